import { describeValue } from "./describe-value.js";
import { StowageError, type StowageErrorOptions } from "./stowage-error.js";

/** Fields of an {@link InvalidKeyError}. */
export interface InvalidKeyErrorOptions extends StowageErrorOptions {
  /** The rejected key, as given. */
  key: unknown;
  /** What is wrong with it, for example `it is empty`. */
  reason: string;
}

/**
 * A key was rejected: it is not a string, is empty, holds a lone surrogate, or is longer than
 * 64 KiB in UTF-8. Nothing was read or written.
 */
export class InvalidKeyError extends StowageError {
  static override readonly marker: symbol = Symbol.for("@stowage/core/InvalidKeyError");
  override readonly name = "InvalidKeyError" as const;
  /** The rejected key, as given. */
  readonly key: unknown;
  /** What is wrong with the key. */
  readonly reason: string;

  constructor(options: InvalidKeyErrorOptions) {
    super(
      `Invalid key ${describeValue(options.key)}${options.store ? ` for ${options.store}` : ""}: ${options.reason}. ` +
        "A key is a non-empty, well-formed string of at most 64 KiB in UTF-8.",
      options,
    );
    this.key = options.key;
    this.reason = options.reason;
  }
}
