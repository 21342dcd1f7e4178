/** How {@link OperationDeadlines} reports failures. */
export interface DeadlineFailures {
  /** The rejection of an operation that got no answer in time. */
  timeout(operation: string): unknown;
  /** The rejection of an operation whose command failed with `error`. */
  error(error: unknown, operation: string, key: string | undefined): unknown;
}

/** One operation waiting for its reply. */
interface Pending {
  deadline: number;
  settled: boolean;
  reject: ((error: unknown) => void) | undefined;
  operation: string;
}

/**
 * Bounds how long commands wait for a reply, with one timer for all of them.
 *
 * Every operation gets the same timeout, so deadlines come due in the order operations start:
 * a queue in start order and one timer, armed for the oldest unsettled operation, replace a
 * timer per command. Settled operations leave the front of the queue as soon as they reach it,
 * so in steady traffic the queue holds little more than what is in flight.
 */
export class OperationDeadlines {
  readonly #timeoutMs: number;
  readonly #failures: DeadlineFailures;
  readonly #queue: Pending[] = [];
  #head = 0;
  /** Whether a timer is armed; it is never cleared, only left to fire and re-arm for what is still pending. */
  #armed = false;

  /**
   * @param timeoutMs - how long an operation may wait, in milliseconds.
   * @param failures - makes the rejections.
   */
  constructor(timeoutMs: number, failures: DeadlineFailures) {
    this.#timeoutMs = timeoutMs;
    this.#failures = failures;
  }

  /** The bound, in milliseconds. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /**
   * Settles like `command`, with its rejection passed through `failures.error`; or, when
   * `command` has not settled within the bound, rejects with `failures.timeout(operation)`.
   */
  run<T>(operation: string, key: string | undefined, command: Promise<T>): Promise<T> {
    return this.#run(operation, key, command, false);
  }

  /**
   * As {@link OperationDeadlines.run}, resolving to `map(reply)`, or rejecting with what `map`
   * throws (as it is, not passed through `failures.error`): no promise more than `run`.
   */
  runMapped<T, R>(operation: string, key: string | undefined, command: Promise<T>, map: (reply: T) => R): Promise<R> {
    return this.#run(operation, key, command, map);
  }

  /** As {@link OperationDeadlines.run}, resolving to undefined whatever the reply. */
  runDiscarding(operation: string, key: string | undefined, command: Promise<unknown>): Promise<void> {
    return this.#run(operation, key, command, true) as Promise<void>;
  }

  /** `map` false: the reply as it is; true: undefined; a function: what it makes of the reply. */
  #run<T, R>(operation: string, key: string | undefined, command: Promise<T>, map: boolean | ((reply: T) => R)): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const pending: Pending = { deadline: performance.now() + this.#timeoutMs, settled: false, reject, operation };
      this.#queue.push(pending);
      if (!this.#armed) this.#arm(this.#timeoutMs);
      command.then(
        (value) => {
          if (!this.#settle(pending)) return;
          if (map === false) resolve(value as unknown as R);
          else if (map === true) resolve(undefined as R);
          else {
            try {
              resolve(map(value));
            } catch (error) {
              reject(error);
            }
          }
        },
        (error: unknown) => {
          if (this.#settle(pending)) reject(this.#failures.error(error, operation, key));
        },
      );
    });
  }

  /** Marks `pending` settled; false when its deadline already rejected it. */
  #settle(pending: Pending): boolean {
    if (pending.settled) return false;
    pending.settled = true;
    pending.reject = undefined;
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head]!.settled) this.#head++;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > queue.length) {
      queue.splice(0, this.#head);
      this.#head = 0;
    }
    return true;
  }

  #arm(delayMs: number): void {
    this.#armed = true;
    // A pending command keeps the process alive through the client's socket; this timer need not.
    setTimeout(() => this.#expire(), Math.max(1, Math.ceil(delayMs))).unref();
  }

  #expire(): void {
    this.#armed = false;
    const queue = this.#queue;
    const now = performance.now();
    while (this.#head < queue.length) {
      const pending = queue[this.#head]!;
      if (!pending.settled) {
        if (pending.deadline > now) {
          this.#arm(pending.deadline - now);
          return;
        }
        const reject = pending.reject!;
        pending.settled = true;
        pending.reject = undefined;
        reject(this.#failures.timeout(pending.operation));
      }
      this.#head++;
    }
    queue.length = 0;
    this.#head = 0;
  }
}
