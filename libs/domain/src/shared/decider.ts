import { TEXT_LIMITS } from './text-limits.js';

/**
 * What a command carries besides its data, as far as deciders are concerned: the clock of the one
 * who issued it. The clock is set where the command enters (HTTP, seed, CLI), so a decision never
 * reads the time itself.
 */
export interface CommandClock {
  now: Date;
}

/** The calendar day (UTC) a command is decided on: record time, for "not in the future" rules. */
export const todayOf = (command: { metadata: CommandClock }): string => command.metadata.now.toISOString().slice(0, 10);

/**
 * The shape every aggregate follows (see ARCHITECTURE.md), with no I/O. `decide` is pure: it leaves the
 * state as it found it. `evolve` may update the state it is given in place and return it (folding a
 * long stream must stay cheap), so a state is never used again once evolved.
 */
export interface Decider<Command, Event, State> {
  /** Names the aggregate in snapshot keys. */
  name: string;
  /**
   * The shape of the folded state. Snapshots are stored under it and one saved under another number is
   * ignored (the state is folded from the events instead): bump it whenever the state's shape or what
   * `evolve` makes of an event changes.
   */
  snapshotSchemaVersion: number;
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  /**
   * Makes a state read back from a snapshot as compact in memory as one folded from the events (the
   * V8 deserializer gives every string its own copy and every object an out-of-line property store).
   * May change `state` in place; returns what it was given when there is nothing to do.
   */
  restore?: (state: State) => State;
  /**
   * Takes back from a state the events `evolve` was just given (`events`, in the order they were
   * evolved, taken back last first), for a writer whose append was refused because the stream moved
   * on (another writer got there first): the state as it stood before them, or null where these
   * events cannot be taken back. Without it, or on null, the caller drops the state, which evolve may
   * have changed in place, and reads the stream's state again (from its snapshot).
   */
  revert?: (state: State, events: readonly Event[]) => State | null;
  /** Returns the events the command produces, or throws a DomainError. */
  decide: (command: Command, state: State) => Event[];
  /** The schema version each event type is written with; 1 when absent. */
  eventSchemaVersion?: (type: string) => number;
}

/** Stable slugs: `open-data-challenge`, `region-centre-val-de-loire`. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const isSlug = (v: unknown): v is string => typeof v === 'string' && v.length <= TEXT_LIMITS.id && SLUG.test(v);
