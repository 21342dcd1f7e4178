import { StowageError, type StowageErrorOptions } from "./stowage-error.js";

/** Fields of a {@link DuplicateStoreError}. */
export interface DuplicateStoreErrorOptions extends StowageErrorOptions {
  /** The registry name that is already taken. */
  storeName: string;
}

/** `StoreRegistry.register` was given a name that is taken, without `allowOverride`. */
export class DuplicateStoreError extends StowageError {
  static override readonly marker: symbol = Symbol.for("@stowage/core/DuplicateStoreError");
  override readonly name = "DuplicateStoreError" as const;
  /** The registry name that is already taken. */
  readonly storeName: string;

  constructor(options: DuplicateStoreErrorOptions) {
    super(
      `A store named ${JSON.stringify(options.storeName)} is already registered. ` +
        "Pick another name, or pass { allowOverride: true } to replace it.",
      options,
    );
    this.storeName = options.storeName;
  }
}
