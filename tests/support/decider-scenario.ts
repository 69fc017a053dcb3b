import { expect } from '@jest/globals';
import { DomainError, type Decider, type DomainErrorKind } from '#domain';

export interface Scenario<Command, Event, State> {
  /** The state folded from the given events, as a command would see it. */
  state(): State;
  when(command: Command): Outcome<Event, State>;
}

export interface Outcome<Event, State> {
  /** Asserts the produced events and returns the state after applying them. */
  then(expected: Event[]): State;
  /** Asserts a DomainError with this code and kind, and returns it for further checks. */
  thenThrows(code: string, kind: DomainErrorKind): DomainError;
  /** The produced events, unchecked, for specs that look at one field only. */
  events(): Event[];
}

/**
 * given/when/then for a decider: the given events are folded with `evolve` from `initialState()`
 * afresh for each command, and `decide` must leave that state untouched.
 */
export function given<Command, Event, State>(decider: Decider<Command, Event, State>, events: Event[] = []): Scenario<Command, Event, State> {
  const fold = (): State => events.reduce((s, e) => decider.evolve(s, e), decider.initialState());

  return {
    state: fold,
    when(command: Command): Outcome<Event, State> {
      const decide = (): { produced: Event[]; state: State } => {
        const state = fold();
        const before = structuredClone(state);
        try {
          return { produced: decider.decide(command, state), state };
        } finally {
          expect(state).toEqual(before);
        }
      };
      return {
        then(expected: Event[]): State {
          // A scenario is not a promise: returning or awaiting it would call `then` with callbacks.
          if (typeof expected === 'function') throw new TypeError('a scenario is not awaitable: call .then(events) in a block');
          const { produced, state } = decide();
          expect(produced).toEqual(expected);
          return produced.reduce((s, e) => decider.evolve(s, e), state);
        },
        thenThrows(code: string, kind: DomainErrorKind): DomainError {
          let produced: Event[];
          try {
            produced = decide().produced;
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            expect({ code: error.code, kind: error.kind }).toEqual({ code, kind });
            return error;
          }
          throw new Error(`expected DomainError ${code} (${kind}), got events ${JSON.stringify(produced)}`);
        },
        events(): Event[] {
          return decide().produced;
        },
      };
    },
  };
}
