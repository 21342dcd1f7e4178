import { StowageError, type StowageErrorOptions } from "./stowage-error.js";

/** Fields of a {@link StoreClosedError}. */
export interface StoreClosedErrorOptions extends StowageErrorOptions {
  /** The operation that was attempted, for example `get`. */
  operation: string;
}

/** An operation was called on a store (or a namespace view) after its `close()`. */
export class StoreClosedError extends StowageError {
  static override readonly marker: symbol = Symbol.for("@stowage/core/StoreClosedError");
  override readonly name = "StoreClosedError" as const;
  /** The operation that was attempted. */
  readonly operation: string;

  constructor(options: StoreClosedErrorOptions) {
    super(
      `Cannot ${options.operation}: ${options.store ?? "the store"} is closed. ` +
        "Create a new store, or keep this one open until its last use.",
      options,
    );
    this.operation = options.operation;
  }
}
