import { InvalidArgumentError } from "./errors/invalid-argument-error.js";
import { StoreCorruptionError } from "./errors/store-corruption-error.js";
import type { GetOptions, SetOptions, Store } from "./store.js";

/** Turns values of type `T` into bytes and back. */
export interface Codec<T> {
  /** A short name for messages, for example `json`. */
  readonly name: string;
  /** The bytes (or a string, stored as UTF-8) that represent `value`. */
  encode(value: T): Uint8Array | string;
  /** The value `bytes` represent; throws when they are not a valid encoding. */
  decode(bytes: Uint8Array): T;
}

// `ignoreBOM` keeps a leading U+FEFF as part of the text: a string set with one gets it back.
const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// JSON text never starts with U+FEFF; one written by another program is skipped (RFC 8259 §8.1).
const jsonDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * A codec for strings stored as UTF-8; bytes that are not valid UTF-8 fail to decode. The text
 * comes back exactly as set, a leading byte order mark (`"\uFEFF"`) included.
 */
export function text(): Codec<string> {
  return {
    name: "text",
    encode: (value) => {
      if (typeof value !== "string") throw new InvalidArgumentError({ argument: "value", value, expected: "a string (text codec)" });
      return value;
    },
    decode: (bytes) => textDecoder.decode(bytes),
  };
}

/**
 * A codec for JSON values stored as UTF-8 JSON text. `T` is what the caller promises the stored
 * JSON holds; it is not checked at run time. Encoding a value JSON cannot represent (`undefined`,
 * a function, a BigInt, a cyclic structure) throws `InvalidArgumentError`, with JSON's own error
 * as the `cause` where it raised one, so `TypedStore.set` rejects and writes nothing.
 */
export function json<T = unknown>(): Codec<T> {
  return {
    name: "json",
    encode: (value) => {
      let encoded: string | undefined;
      try {
        encoded = JSON.stringify(value);
      } catch (error) {
        // A BigInt, a cyclic structure, or a toJSON that throws.
        throw new InvalidArgumentError({ argument: "value", value, expected: `a value JSON can represent (json codec: ${(error as Error).message})`, cause: error });
      }
      if (encoded === undefined) {
        throw new InvalidArgumentError({ argument: "value", value, expected: "a value JSON can represent (json codec)" });
      }
      return encoded;
    },
    decode: (bytes) => JSON.parse(jsonDecoder.decode(bytes)) as T,
  };
}

/**
 * A typed view over any {@link Store}: values go through `codec` on the way in and out, so no
 * caller hand-writes `JSON.parse(new TextDecoder().decode(...))`. Keys, expiry and errors are
 * the underlying store's.
 */
export class TypedStore<T> {
  /**
   * @param store - the store holding the encoded values.
   * @param codec - how values become bytes and back.
   */
  constructor(
    readonly store: Store,
    readonly codec: Codec<T>,
  ) {}

  /**
   * The decoded value of `key`, or `null` when it is missing or expired.
   *
   * @throws StoreCorruptionError when the stored bytes do not decode (the entry is left as is).
   */
  async get(key: string, options?: GetOptions): Promise<T | null> {
    const bytes = await this.store.get(key, options);
    if (bytes === null) return null;
    try {
      return this.codec.decode(bytes);
    } catch (error) {
      throw new StoreCorruptionError({ key, reason: `the value does not decode as ${this.codec.name}`, cause: error });
    }
  }

  /**
   * Encodes `value` and stores it under `key`.
   *
   * @throws InvalidArgumentError when the codec cannot encode `value` (nothing is written).
   */
  async set(key: string, value: T, options?: SetOptions): Promise<void> {
    return this.store.set(key, this.codec.encode(value), options);
  }

  /** {@inheritDoc Store.delete} */
  delete(key: string): Promise<void> {
    return this.store.delete(key);
  }

  /** {@inheritDoc Store.exists} */
  exists(key: string): Promise<boolean> {
    return this.store.exists(key);
  }

  /** {@inheritDoc Store.expiresIn} */
  expiresIn(key: string): Promise<number | null> {
    return this.store.expiresIn(key);
  }

  /** {@inheritDoc Store.deleteAll} */
  deleteAll(): Promise<void> {
    return this.store.deleteAll();
  }
}

/** A {@link TypedStore} over `store` with `codec`: `typed(store, json<Session>())`. */
export function typed<T>(store: Store, codec: Codec<T>): TypedStore<T> {
  return new TypedStore(store, codec);
}
