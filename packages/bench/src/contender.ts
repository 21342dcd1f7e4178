/** Which part a contender plays in a comparison. */
export type ContenderRole = "floor" | "stowage" | "peer";

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
  /** Adds 1 to the counter under `key`, atomically; resolves the new value. Absent when the contender has none. */
  increment?(key: string): Promise<number>;
  /** Writes `value` only when `key` holds nothing, atomically; resolves whether it wrote. Absent when the contender has none. */
  setIfAbsent?(key: string, value: Uint8Array): Promise<boolean>;
  /** A view on namespace `name`; absent when the contender has no namespaces. */
  namespace?(name: string): NamespaceView;
  close(): Promise<void>;
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
