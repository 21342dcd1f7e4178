/** Options every Stowage error accepts. */
export interface StowageErrorOptions {
  /** The store the error concerns, as the store describes itself (for example `MemoryStore[app/sessions]`). */
  store?: string;
  /** The underlying error, when this one wraps another. */
  cause?: unknown;
}

type ErrorClass = abstract new (...args: never[]) => StowageError;

/**
 * The base of every error a Stowage store raises.
 *
 * Each subclass has a fixed `name` and its own `Symbol.for` marker, so `isInstance` recognises
 * errors created by another copy of the package (an ESM and a CommonJS build loaded side by
 * side), where `instanceof` would not.
 */
export class StowageError extends Error {
  /** The cross-copy marker of this class; subclasses declare their own. */
  static readonly marker: symbol = Symbol.for("@stowage/core/StowageError");

  override readonly name: string = "StowageError";
  /** The store the error concerns, when known. */
  readonly store: string | undefined;

  constructor(message: string, options: StowageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.store = options.store;
    // Mark the instance with the marker of its class and of every Stowage class above it.
    for (let type: unknown = new.target; typeof type === "function" && Object.hasOwn(type, "marker"); ) {
      Object.defineProperty(this, (type as typeof StowageError).marker, { value: true });
      type = Object.getPrototypeOf(type);
    }
  }

  /**
   * Tells whether `error` is an instance of this class (or a subclass), even when it was
   * created by another copy of `@stowage/core`.
   */
  static isInstance<T extends ErrorClass>(this: T, error: unknown): error is InstanceType<T> {
    const marker = (this as unknown as typeof StowageError).marker;
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
