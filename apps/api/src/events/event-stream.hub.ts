import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { EventStore, StoredEvent, Subscription } from '#event-store';
import { ProjectionHost } from '#projections';
import { EVENT_STORE } from '../infrastructure/tokens.js';
import { publicEvent, sseMessage } from './public-event.js';

interface StreamClient {
  readonly raw: ServerResponse;
  /** Position of the last event this client has been given (or skipped as private). */
  last: number;
  /** False while the client catches up from the store; the fan-out skips it until then. */
  live: boolean;
}

const CATCH_UP_BATCH = 500;
/** A client that leaves this much unread is dropped: it reconnects with Last-Event-ID and catches up from the store. */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * One subscription to the log, shared by every connected client. An event is sent once the read
 * models show it, so that a page refreshing on it gets the new figures. Each message is serialised
 * once and written to every client as it is.
 */
@Injectable()
export class EventStreamHub implements BeforeApplicationShutdown {
  /** Comment lines keep proxies and browsers from closing an idle stream. */
  heartbeatMs = 15_000;
  private readonly logger = new Logger('EventStream');
  private readonly clients = new Set<StreamClient>();
  private subscription: Subscription | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /** Every event up to here has been given to the live clients. */
  private delivered = 0;
  private closing = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ProjectionHost) private readonly host: ProjectionHost,
  ) {}

  get connections(): number {
    return this.clients.size;
  }

  /**
   * Streams the log to `raw` from `from` (exclusive; null: from what is visible now). Events already
   * delivered to the others are read from the store first; the client joins the fan-out with no
   * await between its last catch-up read and joining, so nothing is missed or sent twice.
   */
  async attach(raw: ServerResponse, from: number | null): Promise<void> {
    if (this.closing) { raw.end(); return; }
    this.follow();
    const client: StreamClient = { raw, last: from ?? this.delivered, live: false };
    this.clients.add(client);
    // A client that goes away only half-closes the connection (Node's HTTP server allows half-open
    // sockets); the response is never finished, so the socket is destroyed here or it would stay.
    raw.on('close', () => { this.clients.delete(client); raw.destroy(); });
    raw.write('retry: 3000\n\n');
    try {
      while (client.last < this.delivered && this.clients.has(client)) {
        const batch = await this.store.readAll({ fromPosition: client.last, limit: CATCH_UP_BATCH });
        const upTo = this.delivered;
        const shown = batch.filter((e) => e.position <= upTo);
        if (shown.length === 0) break;
        for (const e of shown) {
          const view = publicEvent(e);
          if (view) raw.write(sseMessage(view));
          client.last = e.position;
        }
      }
    } catch (error) {
      this.logger.error(`catch-up read failed: ${String(error)}`);
      this.drop(client);
      return;
    }
    client.live = true;
  }

  /** Answers the events after `from` that are visible now (at most `limit`) without following the log. */
  async backlog(from: number, limit: number): Promise<string> {
    const upTo = this.host.checkpoint;
    const events = from < upTo ? await this.store.readAll({ fromPosition: from, limit }) : [];
    return events.filter((e) => e.position <= upTo).map((e) => publicEvent(e)).filter((e) => e !== null).map(sseMessage).join('');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const client of this.clients) this.drop(client);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
  }

  /** Starts the shared subscription at the first client, from what the read models show. */
  private follow(): void {
    if (this.subscription) return;
    this.delivered = this.host.checkpoint;
    this.subscription = this.store.subscribeToAll((events) => this.fanOut(events), {
      fromPosition: this.delivered,
      onError: (error) => {
        // The clients reconnect and catch up from the store; the next one starts a new subscription.
        this.logger.error(`event stream stopped: ${String(error)}`);
        this.subscription = null;
        for (const client of this.clients) this.drop(client);
      },
    });
    this.heartbeat ??= setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  private async fanOut(events: StoredEvent[]): Promise<void> {
    const last = events[events.length - 1]!.position;
    await this.visible(last);
    for (const e of events) {
      const view = publicEvent(e);
      if (!view) continue;
      const message = sseMessage(view);
      for (const client of this.clients) {
        if (!client.live || e.position <= client.last) continue;
        client.last = e.position;
        this.write(client, message);
      }
    }
    this.delivered = last;
  }

  /** Waits until the read models show `position`; gives up waiting only when they failed or the server stops. */
  private async visible(position: number): Promise<void> {
    while (!this.closing && !this.host.error) {
      try {
        await this.host.waitFor(position, 1000);
        return;
      } catch {
        // Not there yet (a rebuild, a burst of writes): keep waiting.
      }
    }
  }

  private beat(): void {
    if (this.clients.size === 0) return;
    for (const client of this.clients) this.write(client, ': heartbeat\n\n');
  }

  private write(client: StreamClient, text: string): void {
    if (client.raw.writableLength > MAX_BUFFERED_BYTES) { this.drop(client); return; }
    client.raw.write(text);
  }

  private drop(client: StreamClient): void {
    this.clients.delete(client);
    client.raw.end();
  }
}
