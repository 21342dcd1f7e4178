/**
 * The few calls of an ioredis-style client that {@link RespStore} uses. ioredis and iovalkey
 * clients (`Redis` and `Cluster`) have them all; any other client can be adapted to it.
 *
 * Values and scanned keys travel as `Buffer`s, so bytes are never decoded as text.
 */
export interface RespClient {
  /** `GET key`, the reply as bytes; `null` when missing. */
  getBuffer(key: string): Promise<Buffer | null>;
  /** `SET key value`; a string value is sent as its UTF-8 bytes. */
  set(key: string, value: Buffer | string): Promise<unknown>;
  /** `SET key value PX milliseconds`. */
  set(key: string, value: Buffer | string, unit: "PX", milliseconds: number): Promise<unknown>;
  /** `SET key value NX`: "OK" when it wrote, `null` when the key exists. */
  set(key: string, value: Buffer | string, condition: "NX"): Promise<unknown>;
  /** `SET key value PX milliseconds NX`: "OK" when it wrote, `null` when the key exists. */
  set(key: string, value: Buffer | string, unit: "PX", milliseconds: number, condition: "NX"): Promise<unknown>;
  /** `PTTL key`: milliseconds left, -1 without expiry, -2 when missing. */
  pttl(key: string): Promise<number>;
  /** `EXISTS key`: 1 or 0. */
  exists(key: string): Promise<number>;
  /** `UNLINK key...`: how many were removed. */
  unlink(...keys: Array<string | Buffer>): Promise<number>;
  /** `SCAN cursor MATCH pattern COUNT count`, keys as bytes: the next cursor ("0" at the end) and a page of keys. */
  scanBuffer(cursor: string, match: "MATCH", pattern: string, count: "COUNT", hint: number): Promise<[cursor: Buffer, keys: Buffer[]]>;
  /**
   * Registers a Lua script as a command `name`, with a `${name}Buffer` variant whose reply is
   * bytes. Calling it sends EVALSHA and falls back to EVAL when the server answers NOSCRIPT.
   */
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number; readOnly?: boolean }): void;
  /**
   * Sends any command, the reply as bytes (`EVALSHA`, `EVAL` here). Optional: without it, scripts
   * run through `defineCommand`.
   */
  callBuffer?(command: string, ...args: Array<string | number>): Promise<unknown>;
  /** Starts a batch of commands sent together; on a Cluster, every command of a batch must go to one node. */
  pipeline(): RespPipeline;
  /** Closes the connection after the commands already sent are answered. */
  quit(): Promise<unknown>;
  /** Closes the connection at once. */
  disconnect(): void;
  /** The connection state; `"ready"` once commands can be sent. */
  readonly status: string;
  /** Runs `listener` once when `event` (here: `"ready"`) is emitted. */
  once(event: "ready", listener: () => void): unknown;
  /**
   * Runs `listener` on every `event`: `"error"` (a connection failed), `"sentinelError"` (a
   * Sentinel client could not use a Sentinel) or `"ready"`. The store listens to remember why
   * the connection fails (see its error causes).
   */
  on(event: "error" | "sentinelError" | "ready", listener: (error?: unknown) => void): unknown;
  /** Removes a listener added with `once` or `on`. */
  off(event: "ready" | "error", listener: (error?: unknown) => void): unknown;
  /**
   * A single-server client's socket, once connected; the store corks it for the rest of a tick so
   * that the commands of that tick leave in one write.
   */
  readonly stream?: { cork(): void; uncork(): void } | null;
  /** True for a Cluster client. */
  readonly isCluster?: boolean;
  /** The client's options; only `keyPrefix` is read, since a prefixing client cannot be scanned correctly. */
  readonly options?: { keyPrefix?: string | undefined };
  /** On a Cluster: a client for each primary node, for SCAN. */
  nodes?(role: "master"): RespNodeClient[];
}

/** A Cluster's connection to one node: only SCAN is sent through it (writes go through the Cluster, which follows redirections). */
export interface RespNodeClient {
  /** As {@link RespClient.scanBuffer}, on this node only. */
  scanBuffer(cursor: string, match: "MATCH", pattern: string, count: "COUNT", hint: number): Promise<[cursor: Buffer, keys: Buffer[]]>;
}

/** A batch of commands (see {@link RespClient.pipeline}). */
export interface RespPipeline {
  /** Adds `UNLINK key...` to the batch. */
  unlink(...keys: Buffer[]): RespPipeline;
  /** Sends the batch: one `[error, reply]` pair per command. */
  exec(): Promise<Array<[error: Error | null, reply: unknown]> | null>;
}
