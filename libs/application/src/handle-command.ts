import { DomainError, type Decider } from '#domain';
import { WrongExpectedRevisionError, type AppendResult, type EventStore, type NewEvent } from '#event-store';
import type { CommandMetadata, CommandOutcome } from './command.js';
import { foldFromStart, type Fold, type StateSource, type StreamState } from './stream-state.js';

interface EventShape {
  type: string;
  data: unknown;
}

type IssuedCommand = { type: string; metadata: CommandMetadata };

/** One command to decide, and the policy its issuer must satisfy on the state it is decided on. */
export interface CommandRequest<C, S> {
  command: C;
  /** Throws when the issuer may not run this command on `state` (a pilot writes only on its own sheets). */
  authorise?: ((state: S) => void) | undefined;
}

export interface HandleCommandOptions<S> {
  /** Where the stream's state comes from and goes back to; by default folded from the first event every time. */
  states?: StateSource;
  authorise?: (state: S) => void;
  /** Attempts when another writer appends to the stream in between, before `concurrent_update`. */
  maxAttempts?: number;
}

/**
 * Read the stream, fold it, decide, append with the expected revision: the whole life of a command.
 * A writer elsewhere makes the append fail on the expected revision; the command is then decided
 * again against the new state, a bounded number of times, so that no update is lost and no rule skipped.
 */
export async function handleCommand<C extends IssuedCommand, E extends EventShape, S>(
  store: EventStore,
  streamName: string,
  decider: Decider<C, E, S>,
  command: C,
  options: HandleCommandOptions<S> = {},
): Promise<CommandOutcome> {
  const [settled] = await handleCommands(store, streamName, decider, [{ command, authorise: options.authorise }], options);
  if (settled!.status === 'rejected') throw settled!.reason;
  return settled!.value;
}

/**
 * `handleCommand` for several commands on one stream: each is decided in turn against the state the
 * previous ones left, and their events are appended together, in one append. Each command gets its own
 * answer, its outcome or its error; a refused command does not stop the others.
 */
export async function handleCommands<C extends IssuedCommand, E extends EventShape, S>(
  store: EventStore,
  streamName: string,
  decider: Decider<C, E, S>,
  requests: readonly CommandRequest<C, S>[],
  options: HandleCommandOptions<S> = {},
): Promise<PromiseSettledResult<CommandOutcome>[]> {
  const states = options.states ?? foldFromStart;
  const maxAttempts = options.maxAttempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    let decidedOn: { current: StreamState<S>; decided: Decided<S, E> } | undefined;
    try {
      // Once a race is lost, the next attempt holds the store's write lock where it has one: a writer
      // in another process that keeps winning could otherwise exhaust the attempts.
      if (attempt > 1 && store.appendExclusive) return await decideExclusively(store, streamName, decider, states, requests);
      const current = await states.read(store, streamName, decider);
      const decided = decideInTurn(decider, requests, current.state);
      decidedOn = { current, decided };
      return await append({ store, streamName, fold: decider, states, current, decided });
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      // Nothing was stored: the state the race was lost on goes back as it was, where the decider can
      // take its events back, so that the next attempt folds only what the other writer appended.
      if (decidedOn) keepLostRaceState(states, streamName, decider, decidedOn.current, decidedOn.decided);
      if (attempt >= maxAttempts) {
        throw new DomainError('concurrent_update', `stream ${streamName} kept changing while the command was decided; retry`, 'conflict');
      }
      if (!store.appendExclusive) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/** Read, fold and decide while the store lets no other writer append, then append what was decided. */
async function decideExclusively<C extends IssuedCommand, E extends EventShape, S>(
  store: EventStore,
  streamName: string,
  decider: Decider<C, E, S>,
  states: StateSource,
  requests: readonly CommandRequest<C, S>[],
): Promise<PromiseSettledResult<CommandOutcome>[]> {
  let current: StreamState<S> | undefined;
  let decided: Decided<S> | undefined;
  const appended = await store.appendExclusive!(streamName, async () => {
    current = await states.read(store, streamName, decider);
    decided = decideInTurn(decider, requests, current.state);
    return { events: decided.events, expectedRevision: expectedRevisionOf(current) };
  });
  const batch: Batch<S> = { store, streamName, fold: decider, states, current: current!, decided: decided! };
  return batch.decided.events.length === 0 ? unchanged(batch) : outcomes(batch, appended);
}

/**
 * After a lost race: the state decided on, its events taken back (Decider.revert), handed back to the
 * state source as the committed state it was. Without a revert, or when the decider cannot take those
 * events back, nothing is handed back: the source has not kept the state (a read takes it out), so the
 * next attempt reads it again, from its snapshot.
 */
function keepLostRaceState<C extends IssuedCommand, E extends EventShape, S>(
  states: StateSource, streamName: string, decider: Decider<C, E, S>, current: StreamState<S>, decided: Decided<S, E>,
): void {
  // A race is lost only by an append, and only a batch with events appends: there is always something to take back.
  if (!decider.revert) return;
  const reverted = decider.revert(decided.state, decided.evolved);
  if (reverted !== null) states.committed(streamName, decider, { ...current, state: reverted });
}

const expectedRevisionOf = (current: StreamState<unknown>) => (current.revision === -1 ? 'no_stream' : current.revision);

interface Decided<S, E = unknown> {
  /** The state after every accepted command's events. */
  state: S;
  /** Those events as evolve was given them, in order. */
  evolved: E[];
  events: NewEvent[];
  /** Per request: the number of events it produced, or why it was refused. */
  results: Array<number | { error: unknown }>;
}

function decideInTurn<C extends IssuedCommand, E extends EventShape, S>(decider: Decider<C, E, S>, requests: readonly CommandRequest<C, S>[], initial: S): Decided<S, E> {
  let state = initial;
  const evolved: E[] = [];
  const events: NewEvent[] = [];
  const results: Decided<S>['results'] = [];
  for (const { command, authorise } of requests) {
    try {
      authorise?.(state);
      const produced = decider.decide(command, state);
      for (const e of produced) {
        state = decider.evolve(state, e);
        evolved.push(e);
      }
      if (produced.length) {
        const metadata = eventMetadata(command.metadata);
        for (const e of produced) events.push({ type: e.type, data: e.data, metadata: { ...metadata, schemaVersion: decider.eventSchemaVersion?.(e.type) ?? 1 } });
      }
      results.push(produced.length);
    } catch (error) {
      results.push({ error });
    }
  }
  return { state, evolved, events, results };
}

/** A stream's batch of commands once decided: where it goes, the state it was decided on, and what came of it. */
interface Batch<S> {
  store: EventStore;
  streamName: string;
  fold: Fold<S, never>;
  states: StateSource;
  current: StreamState<S>;
  decided: Decided<S>;
}

async function append<S>(batch: Batch<S>): Promise<PromiseSettledResult<CommandOutcome>[]> {
  const { store, streamName, current, decided } = batch;
  if (decided.events.length === 0) return unchanged(batch);
  return outcomes(batch, await store.appendToStream(streamName, decided.events, { expectedRevision: expectedRevisionOf(current) }));
}

/** Each command's answer once its batch's events (at least one) are stored (`appended`). */
function outcomes<S>({ streamName, fold, states, current, decided }: Batch<S>, appended: AppendResult): PromiseSettledResult<CommandOutcome>[] {
  states.committed(streamName, fold, {
    state: decided.state, revision: appended.nextExpectedRevision, snapshotRevision: current.snapshotRevision,
    recordedAt: appended.events[appended.events.length - 1]?.metadata.recordedAt ?? current.recordedAt,
  });
  // The appended events in order, cut back into each command's share.
  let offset = 0;
  return decided.results.map((r): PromiseSettledResult<CommandOutcome> => {
    if (typeof r !== 'number') return { status: 'rejected', reason: r.error };
    if (r === 0) return { status: 'fulfilled', value: { eventIds: [], revision: current.revision, position: appended.position } };
    const eventIds = new Array<string>(r);
    for (let i = 0; i < r; i++) eventIds[i] = appended.events[offset + i]!.id;
    const last = appended.events[offset + r - 1]!;
    offset += r;
    return { status: 'fulfilled', value: { eventIds, revision: last.revision, position: last.position } };
  });
}

/** The answers of a batch that stored nothing. */
async function unchanged<S>({ store, streamName, fold, states, current, decided }: Batch<S>): Promise<PromiseSettledResult<CommandOutcome>[]> {
  // Nothing was evolved: the state is still the committed one.
  states.committed(streamName, fold, current);
  const head = await store.headPosition();
  return decided.results.map((r) =>
    typeof r === 'number' ? { status: 'fulfilled', value: { eventIds: [], revision: current.revision, position: head } } : { status: 'rejected', reason: r.error },
  );
}

/** The metadata every event of a command records: who, in which thread of causes, from where. */
function eventMetadata(m: CommandMetadata): NewEvent['metadata'] {
  return {
    actor: m.actor,
    correlationId: m.correlationId,
    causationId: m.causationId ?? null,
    source: m.source,
    ...(m.provenance ? { provenance: m.provenance } : {}),
  };
}
