import { StowageError, type StowageErrorOptions } from "./stowage-error.js";

/**
 * A store was built with options that cannot work, or was asked for something its
 * configuration forbids (for example `deleteAll` on a Redis store with no namespace, which
 * would clear a database it does not own). The message says what to change.
 */
export class StoreConfigurationError extends StowageError {
  static override readonly marker: symbol = Symbol.for("@stowage/core/StoreConfigurationError");
  override readonly name = "StoreConfigurationError" as const;

  constructor(message: string, options: StowageErrorOptions = {}) {
    super(options.store ? `${options.store}: ${message}` : message, options);
  }
}
