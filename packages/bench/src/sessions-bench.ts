import { SessionStore } from "@stowage/sessions";
import { RedisStore } from "@stowage/store-redis";
import { startServer } from "@stowage/test-servers";
import { RedisStore as ConnectRedisStore } from "connect-redis";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { closeAll } from "./contender.js";
import { measurePhase, rotate, roundRatio } from "./harness.js";
import type { BenchOptions } from "./options.js";
import { integer, micros, ratioText, table, type Verdict } from "./report.js";
import { median } from "./stats.js";

/** A session store as express-session calls it: callbacks. */
interface SessionContender {
  readonly name: string;
  readonly role: "stowage" | "peer";
  /** The Redis key that holds session `id`, for the bytes-per-session figures. */
  redisKey(id: string): string;
  set(id: string, session: object, callback: (error?: unknown) => void): unknown;
  get(id: string, callback: (error: unknown, session?: unknown) => void): unknown;
  touch(id: string, session: object, callback: (error?: unknown) => void): unknown;
  close(): Promise<void>;
}

const OPS = ["set", "get", "touch"] as const;
type SessionOp = (typeof OPS)[number];

/** One contender's figures for one operation of a workload: one number per round. */
interface SessionRow {
  readonly workload: string;
  readonly op: SessionOp;
  readonly contender: string;
  readonly role: "stowage" | "peer";
  readonly opsPerSecond: number[];
  readonly p50Micros: number[];
  readonly p99Micros: number[];
}

/** What the sessions suite adds to a report. */
export interface SessionsReport {
  readonly markdown: string;
  readonly rows: SessionRow[];
  readonly verdicts: Verdict[];
}

/** A typical logged-in express-session session: its cookie (one day), a user and a CSRF token. */
function typicalSession(): object {
  return {
    cookie: { originalMaxAge: 86_400_000, expires: new Date(Date.now() + 86_400_000), secure: false, httpOnly: true, path: "/", sameSite: "lax" },
    user: { id: 4217, name: "Ada Lovelace", roles: ["editor"] },
    csrfToken: "b2f1c8e0a7d94c3e9f6b5a4d3c2e1f0a",
    flash: [],
  };
}

const promised = <T>(call: (callback: (error: unknown, result?: T) => void) => unknown) =>
  new Promise<T | undefined>((resolve, reject) => {
    call((error, result) => (error ? reject(error) : resolve(result)));
  });

/**
 * The sessions suite: `SessionStore` on a `RedisStore` beside connect-redis on node-redis, on one
 * Redis server of its own, through the callbacks express-session uses. For `set`, `get` and
 * `touch`, sequential and `inFlight` at a time; then the bytes each side keeps per session.
 *
 * @throws Error when a contender loses a session.
 */
export async function runSessionsBench(options: BenchOptions, log: (line: string) => void): Promise<SessionsReport> {
  const server = await startServer("redis");
  const admin = new Redis(server.url);
  const contenders: SessionContender[] = [];
  try {
    const stowage = RedisStore.withClient({ url: server.url });
    const namespaced = stowage.withNamespace("sessions");
    const sessions = new SessionStore({ store: namespaced });
    contenders.push({
      name: "SessionStore (RedisStore)",
      role: "stowage",
      redisKey: (id) => namespaced.redisKey(id),
      set: (id, session, callback) => sessions.set(id, session, callback),
      get: (id, callback) => sessions.get(id, callback),
      touch: (id, session, callback) => sessions.touch(id, session, callback),
      close: () => stowage.close(),
    });
    const client = createClient({ url: server.url });
    await client.connect();
    const connectRedis = new ConnectRedisStore({ client });
    contenders.push({
      name: "connect-redis (node-redis)",
      role: "peer",
      redisKey: (id) => `sess:${id}`,
      set: (id, session, callback) => connectRedis.set(id, session as never, callback),
      get: (id, callback) => connectRedis.get(id, callback),
      touch: (id, session, callback) => connectRedis.touch(id, session as never, callback),
      close: () => client.quit().then(() => undefined),
    });

    const ops = options.ops.redis;
    const ids = Array.from({ length: ops }, (_, index) => `sid-${index.toString(36).padStart(6, "0")}-Qx7vLb2nR8`);
    const session = typicalSession();
    const rows: SessionRow[] = [];
    const workloads = [
      { title: "sequential", inFlight: 1 },
      { title: `${options.inFlight} in flight`, inFlight: options.inFlight },
    ];
    for (const workload of workloads) {
      log(`sessions: ${workload.title}, ${ops} ops x ${options.rounds} rounds`);
      const byContender = new Map(
        contenders.map((contender) => [
          contender,
          OPS.map((op): SessionRow => ({ workload: workload.title, op, contender: contender.name, role: contender.role, opsPerSecond: [], p50Micros: [], p99Micros: [] })),
        ]),
      );
      const run = async (contender: SessionContender, count: number) => {
        const calls: Record<SessionOp, (id: string) => Promise<unknown>> = {
          set: (id) => promised((callback) => contender.set(id, session, callback)).then(() => true),
          get: (id) => promised((callback) => contender.get(id, callback)),
          touch: (id) => promised((callback) => contender.touch(id, session, callback)).then(() => true),
        };
        const measures = [];
        for (const op of OPS) {
          const measure = await measurePhase(calls[op], ids, count, workload.inFlight, 1, true);
          if (measure.missing > 0) throw new Error(`sessions ${workload.title}: ${contender.name} lost ${measure.missing} of ${count} sessions (${op})`);
          measures.push(measure);
        }
        return measures;
      };
      for (const contender of contenders) await run(contender, Math.max(1, Math.ceil(ops / 10))); // warm-up
      for (let round = 0; round < options.rounds; round++) {
        for (const contender of rotate(contenders, round)) {
          const measures = await run(contender, ops);
          byContender.get(contender)!.forEach((row, index) => {
            row.opsPerSecond.push(measures[index]!.opsPerSecond);
            row.p50Micros.push(measures[index]!.p50Micros);
            row.p99Micros.push(measures[index]!.p99Micros);
          });
        }
      }
      rows.push(...[...byContender.values()].flat());
    }

    const verdicts: Verdict[] = [];
    const body = rows.map((row) => {
      const peer = rows.find((other) => other.workload === row.workload && other.op === row.op && other.role === "peer")!;
      const ratio = roundRatio(row.opsPerSecond, peer.opsPerSecond);
      const verdict = row.role === "stowage" ? { text: `≥ 1× connect-redis: ${ratioText(ratio)}`, meets: ratio >= 1 } : undefined;
      if (verdict) verdicts.push(verdict);
      return [row.workload, row.op, row.contender, integer(median(row.opsPerSecond)), micros(median(row.p50Micros)), micros(median(row.p99Micros)), ratioText(ratio), verdict?.text ?? "", verdict ? (verdict.meets ? "meets" : "**misses**") : ""];
    });
    const header = ["workload", "op", "contender", "ops/s", "p50 µs", "p99 µs", "× connect-redis", "target", "verdict"];

    const sizes = await Promise.all(
      contenders.map(async (contender) => {
        const key = contender.redisKey(ids[0]!);
        const [valueBytes, memoryUsage] = await Promise.all([admin.strlen(key), admin.call("MEMORY", "USAGE", key, "SAMPLES", "0")]);
        return [contender.name, `\`${key}\``, integer(Buffer.byteLength(key)), integer(valueBytes), integer(Number(memoryUsage))];
      }),
    );
    const markdown = [
      "## sessions",
      `express-session's store calls through each store's callback API, ${ops} sessions of ${JSON.stringify(session).length} bytes of JSON, on one Redis server.`,
      table(header, body),
      "### Bytes per session on the server",
      table(["contender", "key", "key bytes", "value bytes (STRLEN)", "MEMORY USAGE"], sizes),
      [
        "- SessionStore (RedisStore): `touch` is one script call (GET, then PEXPIRE only when the entry has an expiry): it returns the value and never creates an entry; expiry in milliseconds (PX)",
        "- connect-redis (node-redis): `touch` is EXPIRE (a missing key stays missing); expiry in whole seconds (EX, rounded up)",
      ].join("\n"),
    ].join("\n\n");
    return { markdown, rows, verdicts };
  } finally {
    try {
      await closeAll([...contenders, { close: () => admin.quit().then(() => undefined) }]);
    } finally {
      await server.stop();
    }
  }
}
