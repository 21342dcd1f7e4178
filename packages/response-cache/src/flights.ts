import type { CachedResponse, VaryRecord } from "./entry.js";

/** What a flight's leader ended with, for the requests that waited on it. */
export type Outcome =
  | {
      kind: "response";
      response: CachedResponse;
      /** The URL's key. */
      base: string;
      /** The record the response varies by, if any, and the leader's values of its headers. */
      vary: VaryRecord | null;
      values: Array<string | null> | null;
    }
  | { kind: "none" };

/** No response to share: refused, failed, aborted or too large. */
export const NONE: Outcome = { kind: "none" };

/** One lookup (and computation, on a miss) of one key in this process, shared by every request that arrives meanwhile. */
export class Flight {
  /** Set by invalidation: the response is still given to waiters but not stored. */
  cancelled = false;
  /** The store write in progress, once the response is complete. */
  writing: Promise<void> | undefined;
  #outcome: Outcome | undefined;
  // Made only when a request waits: a lookup nobody joins allocates no promise.
  #waiters: Array<(outcome: Outcome) => void> | undefined;

  constructor(
    readonly key: string,
    readonly base: string,
  ) {}

  /** Resolves the leader's outcome, at once when it is known. */
  outcome(): Promise<Outcome> {
    if (this.#outcome) return Promise.resolve(this.#outcome);
    return new Promise((resolve) => (this.#waiters ??= []).push(resolve));
  }

  /** Records the outcome and wakes the waiters. */
  settle(outcome: Outcome): void {
    this.#outcome = outcome;
    for (const wake of this.#waiters ?? []) wake(outcome);
    this.#waiters = undefined;
  }
}

/**
 * The flights in progress in this process, by key. A flight stays findable until its store write
 * settles, so a request arriving after the leader's response was sent still finds it.
 */
export class Flights {
  readonly #flights = new Map<string, Flight>();

  /** The flight of `key`, if one is in progress. */
  get(key: string): Flight | undefined {
    return this.#flights.get(key);
  }

  /** A new flight; `register: false` makes one nobody else can join. */
  start(key: string, base: string, register: boolean): Flight {
    const flight = new Flight(key, base);
    if (register) this.#flights.set(key, flight);
    return flight;
  }

  /** Gives the waiters their outcome, and forgets the flight once `written` settles (at once without one). */
  finish(flight: Flight, outcome: Outcome, written?: Promise<void>): void {
    flight.settle(outcome);
    const forget = () => {
      if (this.#flights.get(flight.key) === flight) this.#flights.delete(flight.key);
    };
    if (written === undefined) forget();
    else flight.writing = written.finally(forget);
  }

  /** Marks the matching flights not to be stored, forgets them, and waits for the writes already under way. */
  async cancel(matches: (flight: Flight) => boolean): Promise<void> {
    const writing: Array<Promise<void>> = [];
    for (const flight of [...this.#flights.values()]) {
      if (!matches(flight)) continue;
      flight.cancelled = true;
      this.#flights.delete(flight.key);
      if (flight.writing) writing.push(flight.writing);
    }
    await Promise.all(writing);
  }
}
