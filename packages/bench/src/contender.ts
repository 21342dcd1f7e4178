/**
 * Which part a contender plays in a comparison. An `adapter` is a Stowage store behind another
 * library's interface (Keyv through KeyvStowage), measured against that library's own backend.
 */
export type ContenderRole = "floor" | "stowage" | "peer" | "adapter";

/** One namespace of a contender, for the `deleteAll` workload. */
export interface NamespaceView {
  set(key: string, value: Uint8Array): Promise<unknown>;
  /** Resolves to the value, or `null`/`undefined` when missing. */
  get(key: string): Promise<unknown>;
  /** Removes every entry of this namespace, by the contender's own means. */
  deleteAll(): Promise<void>;
}

/**
 * Something that stores bytes under keys, measured beside the others: a Stowage store, its raw
 * floor, or a peer library. Every call goes through the contender's ordinary public API.
 */
export interface Contender {
  readonly name: string;
  readonly role: ContenderRole;
  /** Where the contender departs from byte-for-byte storage or the contract (JSON, base64, no expiry...). */
  readonly notes: readonly string[];
  /** Writes `value`; with `ttlMs`, the entry expires after that many milliseconds. */
  set(key: string, value: Uint8Array, ttlMs?: number): Promise<unknown>;
  /** Resolves to the value, or `null`/`undefined` when missing. */
  get(key: string): Promise<unknown>;
  /** A view on namespace `name`; absent when the contender has no namespaces. */
  namespace?(name: string): NamespaceView;
  /** The atomic operations, for the `increment` and `set-if-absent` workloads; absent when not measured. */
  readonly atomic?: AtomicOperations;
  /** The bytes the backend holds for the value of `key` (a Redis STRLEN); absent where not measured. */
  storedBytes?(key: string): Promise<number>;
  close(): Promise<void>;
}

/** What the `increment` and `set-if-absent` workloads call (see atomic-workloads.ts). */
export interface AtomicOperations {
  /** Adds 1 to the counter under `key`; an entry it creates expires after `ttlMs`. Resolves to the new value. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Writes `value` only when `key` holds nothing, expiring after `ttlMs`; resolves whether it wrote. */
  setIfAbsent(key: string, value: Uint8Array, ttlMs: number): Promise<boolean>;
}

/** The backends the bench knows, in the order it runs them. */
export const BACKENDS = ["memory", "file", "redis", "valkey"] as const;
export type Backend = (typeof BACKENDS)[number];

/** One backend's contenders (the floor first) and how to clean between workloads. */
export interface BackendSuite {
  readonly backend: Backend;
  readonly contenders: readonly Contender[];
  /**
   * Time one operation in this many: per-operation timing costs about as much as a Map lookup,
   * so the memory suite samples, while network and file suites time every operation.
   */
  readonly sampleEvery: number;
  /** Forgets every entry written so far (between workloads), so workloads do not pile up. */
  reset(): Promise<void>;
  /** Closes every contender and whatever the suite opened. */
  close(): Promise<void>;
}

/** Closes every contender, even when one fails, then rethrows the first failure. */
export async function closeAll(contenders: readonly { close(): Promise<void> }[]): Promise<void> {
  const results = await Promise.allSettled(contenders.map((contender) => contender.close()));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) throw failed.reason;
}
