import { describeValue } from "./describe-value.js";
import { StowageError, type StowageErrorOptions } from "./stowage-error.js";

/** Fields of an {@link InvalidArgumentError}. */
export interface InvalidArgumentErrorOptions extends StowageErrorOptions {
  /** Which argument or option was rejected, for example `expiresIn` or `value`. */
  argument: string;
  /** The rejected value, as given. */
  value: unknown;
  /** What would have been accepted. */
  expected: string;
}

/**
 * An argument other than a key was rejected: a value that is neither bytes nor a string, a
 * duration that does not parse or is out of range, a bad namespace name or option. Nothing was
 * read or written.
 */
export class InvalidArgumentError extends StowageError {
  static override readonly marker: symbol = Symbol.for("@stowage/core/InvalidArgumentError");
  override readonly name = "InvalidArgumentError" as const;
  /** Which argument or option was rejected. */
  readonly argument: string;
  /** The rejected value, as given. */
  readonly value: unknown;
  /** What would have been accepted. */
  readonly expected: string;

  constructor(options: InvalidArgumentErrorOptions) {
    super(
      `Invalid ${options.argument} ${describeValue(options.value)}${options.store ? ` for ${options.store}` : ""}: ` +
        `expected ${options.expected}.`,
      options,
    );
    this.argument = options.argument;
    this.value = options.value;
    this.expected = options.expected;
  }
}
