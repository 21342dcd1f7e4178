/** Which server a test wants: the protocol is the same, the binaries and images differ. */
export type ServerKind = "redis" | "valkey";

/**
 * How a server was started: a container through testcontainers (a Docker-compatible engine
 * answered), or the `redis-server` / `valkey-server` binary found on PATH.
 */
export type ServerVia = "testcontainers" | "binary";

/** Options for {@link startServer} and {@link startCluster}. */
export interface StartServerOptions {
  /**
   * Forces one way of starting the server. Defaults to the `STOWAGE_SERVERS` environment
   * variable, else testcontainers when a container engine answers, else the binaries.
   */
  readonly via?: ServerVia;
}

/** Options for {@link startCluster}. */
export interface StartClusterOptions extends StartServerOptions {
  /** Number of primaries (no replicas); each owns an equal share of the 16384 slots. Default 3. */
  readonly primaries?: number;
}

/**
 * A Redis or Valkey server listening on a loopback port, started for a test or a benchmark.
 *
 * The server keeps nothing on disk (`--save ''`, `--appendonly no`) and listens on
 * 127.0.0.1 only. Whoever starts it must call {@link RunningServer.stop}; a safety net also
 * stops it when the Node.js process exits.
 */
export interface RunningServer {
  /** Redis or Valkey. */
  readonly kind: ServerKind;
  /** Always loopback: servers never listen on other interfaces. */
  readonly host: "127.0.0.1";
  /** The port clients connect to; it stays the same across {@link RunningServer.restart}. */
  readonly port: number;
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** How it was started (containers and binaries behave the same through this interface). */
  readonly via: ServerVia;
  /** Stops the server and removes what it left (container, temporary directory). Idempotent. */
  stop(): Promise<void>;
  /**
   * Freezes the server (`SIGSTOP`, or a container pause): it keeps its connections open but
   * answers nothing until {@link RunningServer.unpause}. Idempotent.
   */
  pause(): Promise<void>;
  /** Lets a paused server answer again; the queued commands are then served. Idempotent. */
  unpause(): Promise<void>;
  /**
   * Kills the server (its connections drop) and starts it again on the same host and port.
   * The data is gone (nothing is persisted), and so are loaded scripts. A paused server is
   * unpaused first.
   */
  restart(): Promise<void>;
}

/** One node of a {@link RunningCluster}, as clients reach it and as it announces itself. */
export interface ClusterNode {
  /** Always loopback. */
  readonly host: "127.0.0.1";
  /** The client port; the cluster bus listens on port + 10000. */
  readonly port: number;
}

/**
 * A Redis or Valkey Cluster of primaries on loopback ports, every slot assigned and
 * `cluster_state:ok` on every node when it is returned. Nodes announce 127.0.0.1, so cluster
 * clients need no address mapping.
 */
export interface RunningCluster {
  /** Redis or Valkey. */
  readonly kind: ServerKind;
  /** One entry per primary; any of them serves as a cluster client's startup node. */
  readonly nodes: ReadonlyArray<ClusterNode>;
  /** How the nodes were started. */
  readonly via: ServerVia;
  /** Stops every node. Idempotent. Disconnect cluster clients first: they retry forever. */
  stop(): Promise<void>;
}

/** Options for {@link startSentinel}. */
export interface StartSentinelOptions extends StartServerOptions {
  /** How many Sentinel processes watch the primary, 1 to 5. Default 1. */
  readonly sentinels?: number;
  /**
   * The name the Sentinels monitor the primary under, which Sentinel clients ask for
   * (ioredis' `name` option): letters, digits, `.`, `_` and `-`. Default `"stowage"`.
   */
  readonly primaryName?: string;
}

/** One Sentinel of a {@link RunningSentinel}, as clients reach it. */
export interface SentinelNode {
  /** Always loopback. */
  readonly host: "127.0.0.1";
  /** The Sentinel's port. */
  readonly port: number;
}

/**
 * A Redis or Valkey primary watched by one or more Sentinels, all on loopback ports. When it is
 * returned, every Sentinel answers `SENTINEL get-master-addr-by-name` with the primary's address,
 * so a Sentinel client (`new Redis({ sentinels, name: primaryName })`) connects at once.
 */
export interface RunningSentinel {
  /** Redis or Valkey. */
  readonly kind: ServerKind;
  /** How the primary and the Sentinels were started (all the same way). */
  readonly via: ServerVia;
  /** The name the primary is monitored under: a Sentinel client's `name` option. */
  readonly primaryName: string;
  /** Every Sentinel; a Sentinel client's `sentinels` option. */
  readonly sentinels: ReadonlyArray<SentinelNode>;
  /**
   * The primary itself (no replicas, so the Sentinels never fail over): reachable directly too,
   * and pausable or restartable for fault tests; it comes back on the same port.
   */
  readonly primary: RunningServer;
  /** Stops every Sentinel, then the primary. Idempotent. Disconnect clients first. */
  stop(): Promise<void>;
}
