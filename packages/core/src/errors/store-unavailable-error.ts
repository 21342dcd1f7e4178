import { StowageError, type StowageErrorOptions } from "./stowage-error.js";

/** Fields of a {@link StoreUnavailableError}. */
export interface StoreUnavailableErrorOptions extends StowageErrorOptions {
  /** The operation that could not complete, for example `set`. */
  operation: string;
  /** What went wrong, in a few words, for example `no answer within 2000 ms`. */
  reason: string;
  /** What to do about it; defaults to advice for a network backend. */
  hint?: string;
}

/**
 * The backend could not be reached or did not answer in time. The client's or system's error,
 * when there is one, is the `cause`. The same store works again once the backend is back. A write
 * that rejected with this error may or may not have reached the backend: a timeout cannot tell.
 */
export class StoreUnavailableError extends StowageError {
  static override readonly marker: symbol = Symbol.for("@stowage/core/StoreUnavailableError");
  override readonly name = "StoreUnavailableError" as const;
  /** The operation that could not complete. */
  readonly operation: string;

  constructor(options: StoreUnavailableErrorOptions) {
    super(
      `${options.store ?? "The store"} is unavailable: ${options.operation} failed (${options.reason}). ` +
        (options.hint ?? "Check that the server is running and reachable; the store reconnects by itself."),
      options,
    );
    this.operation = options.operation;
  }
}
