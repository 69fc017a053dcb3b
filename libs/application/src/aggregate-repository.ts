import { DomainError, type Decider } from '../../domain/src/index.js';
import { WrongExpectedRevisionError, type AppendResult, type EventStore, type StoredEvent } from '../../event-store/src/index.js';
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

/**
 * Load → fold → decide → append with the expected revision: the whole life of a command.
 * A concurrent writer on the same stream makes the append fail; the command is then decided again
 * against the new state, a bounded number of times, so that no update is lost and no rule is skipped.
 */
export class AggregateRepository {
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

  async handle<C extends { type: string }, E extends DomainEventShape, S>(
    stream: string,
    decider: Decider<C, E, S>,
    makeCommand: (today: string) => C,
    ctx: CommandContext,
  ): Promise<CommandOutcome> {
    const now = ctx.now ?? new Date();
    const command = makeCommand(now.toISOString().slice(0, 10));
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(stream, decider);
      const events = decider.decide(command, state);
      if (events.length === 0) return { eventIds: [], revision, position: await this.store.headPosition(), events: [] };
      try {
        const result: AppendResult = await this.store.appendToStream(
          stream,
          events.map((e) => ({
            type: e.type,
            data: e.data,
            metadata: {
              actor: ctx.actor,
              correlationId: ctx.correlationId,
              causationId: ctx.causationId ?? null,
              source: ctx.source,
              ...(ctx.now ? { recordedAt: ctx.now.toISOString() } : {}),
            },
          })),
          { expectedRevision: revision === -1 ? 'no_stream' : revision },
        );
        return { eventIds: result.events.map((e) => e.id), revision: result.nextExpectedRevision, position: result.position, events: result.events };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= this.maxAttempts) {
          throw new DomainError('concurrent_update', `stream ${stream} kept changing while the command was decided; retry`, 'conflict');
        }
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }
}
