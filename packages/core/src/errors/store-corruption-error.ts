import { describeValue } from "./describe-value.js";
import { StowageError, type StowageErrorOptions } from "./stowage-error.js";

/** Fields of a {@link StoreCorruptionError}. */
export interface StoreCorruptionErrorOptions extends StowageErrorOptions {
  /** What is wrong with what the backend holds. */
  reason: string;
  /** The key being read, when known. */
  key?: string;
  /** The file or backend key that holds the bad data, when there is one. */
  path?: string;
}

/**
 * The backend holds something that is not a valid entry: a truncated or foreign file, a value
 * a codec cannot decode. The bad data is left in place for inspection; nothing garbled is
 * returned.
 */
export class StoreCorruptionError extends StowageError {
  static override readonly marker: symbol = Symbol.for("@stowage/core/StoreCorruptionError");
  override readonly name = "StoreCorruptionError" as const;
  /** The key being read, when known. */
  readonly key: string | undefined;
  /** The file or backend key that holds the bad data, when there is one. */
  readonly path: string | undefined;
  /** What is wrong with it. */
  readonly reason: string;

  constructor(options: StoreCorruptionErrorOptions) {
    const where = [
      options.key === undefined ? undefined : `key ${describeValue(options.key)}`,
      options.path === undefined ? undefined : `at ${options.path}`,
    ].filter(Boolean);
    super(
      `${options.store ?? "The store"} holds an invalid entry${where.length ? ` (${where.join(", ")})` : ""}: ` +
        `${options.reason}. Delete the entry, or check what else writes to this storage.`,
      options,
    );
    this.key = options.key;
    this.path = options.path;
    this.reason = options.reason;
  }
}
