import { DomainError, type Decider } from '../../domain/src/index.js';
import { WrongExpectedRevisionError, type EventStore, type NewEvent, type StoredEvent } from '../../event-store/src/index.js';
import type { CommandContext } from './command-context.js';

export interface CommandOutcome {
  eventIds: string[];
  /** Stream revision after the command (unchanged when it produced no event). */
  revision: number;
  /** Global position of the last event written (or the store head when nothing was written). */
  position: number;
  events: StoredEvent[];
}

interface DomainEventShape {
  type: string;
  data: unknown;
}

interface Pending {
  decider: Decider<any, DomainEventShape, any>;
  command: { type: string };
  ctx: CommandContext;
  resolve: (outcome: CommandOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Load → fold → decide → append with the expected revision: the whole life of a command.
 *
 * Commands on one stream that arrive together are decided one after the other against the same
 * folded state and appended in ONE append: they never conflict with each other, and they share a
 * commit. Each command still gets its own answer (its events, or its DomainError). A writer in
 * another process makes the append fail on the expected revision; the batch is then decided again
 * against the new state, a bounded number of times, so that no update is lost and no rule skipped.
 */
export class AggregateRepository {
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly store: EventStore,
    private readonly maxAttempts = 8,
  ) {}

  async load<S, E extends DomainEventShape>(stream: string, decider: Pick<Decider<never, E, S>, 'initialState' | 'evolve'>): Promise<{ state: S; revision: number }> {
    const events = await this.store.readStream(stream);
    let state = decider.initialState();
    for (const e of events) state = decider.evolve(state, e as unknown as E);
    return { state, revision: events.length ? events[events.length - 1]!.revision : -1 };
  }

  handle<C extends { type: string }, E extends DomainEventShape, S>(
    stream: string,
    decider: Decider<C, E, S>,
    makeCommand: (today: string) => C,
    ctx: CommandContext,
  ): Promise<CommandOutcome> {
    const now = ctx.now ?? new Date();
    const command = makeCommand(now.toISOString().slice(0, 10));
    return new Promise((resolve, reject) => {
      const pending: Pending = { decider: decider as unknown as Pending['decider'], command, ctx, resolve, reject };
      const queue = this.queues.get(stream);
      if (queue) {
        queue.push(pending);
        return;
      }
      this.queues.set(stream, [pending]);
      void this.drain(stream);
    });
  }

  private async drain(stream: string): Promise<void> {
    const queue = this.queues.get(stream)!;
    while (queue.length) {
      const batch = queue.splice(0, queue.length);
      try {
        await this.process(stream, batch);
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.queues.delete(stream);
  }

  private async process(stream: string, batch: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const decider = batch[0]!.decider;
      let { state, revision } = await this.load(stream, decider);
      const decided: Array<{ p: Pending; events: DomainEventShape[] } | { p: Pending; error: unknown }> = [];
      for (const p of batch) {
        try {
          const events = p.decider.decide(p.command, state);
          for (const e of events) state = p.decider.evolve(state, e);
          decided.push({ p, events });
        } catch (error) {
          decided.push({ p, error });
        }
      }
      const toAppend: NewEvent[] = [];
      for (const d of decided) {
        if (!('events' in d)) continue;
        for (const e of d.events) toAppend.push(this.envelope(e, d.p.ctx));
      }
      if (toAppend.length === 0) {
        const head = await this.store.headPosition();
        for (const d of decided) {
          if ('error' in d) d.p.reject(d.error);
          else d.p.resolve({ eventIds: [], revision, position: head, events: [] });
        }
        return;
      }
      try {
        const result = await this.store.appendToStream(stream, toAppend, { expectedRevision: revision === -1 ? 'no_stream' : revision });
        let offset = 0;
        for (const d of decided) {
          if ('error' in d) { d.p.reject(d.error); continue; }
          const mine = result.events.slice(offset, offset + d.events.length);
          offset += d.events.length;
          const last = mine[mine.length - 1] ?? result.events[offset - 1] ?? result.events[0]!;
          d.p.resolve({ eventIds: mine.map((e) => e.id), revision: mine.length ? last.revision : revision, position: mine.length ? last.position : result.position, events: mine });
        }
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= this.maxAttempts) {
          throw new DomainError('concurrent_update', `stream ${stream} kept changing while the command was decided; retry`, 'conflict');
        }
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }

  private envelope(e: DomainEventShape, ctx: CommandContext): NewEvent {
    return {
      type: e.type,
      data: e.data,
      metadata: {
        actor: ctx.actor,
        correlationId: ctx.correlationId,
        causationId: ctx.causationId ?? null,
        source: ctx.source,
        ...(ctx.provenance ? { provenance: ctx.provenance } : {}),
        ...(ctx.now ? { recordedAt: ctx.now.toISOString() } : {}),
      },
    };
  }
}
