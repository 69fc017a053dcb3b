/** The shape every aggregate follows (see ARCHITECTURE.md): pure functions, no I/O. */
export interface Decider<Command, Event, State> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  /** Returns the events the command produces, or throws a DomainError. */
  decide: (command: Command, state: State) => Event[];
}

/** Stable slugs: `open-data-challenge`, `region-centre-val-de-loire`. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const isSlug = (v: unknown): v is string => typeof v === 'string' && v.length <= 80 && SLUG.test(v);
