import type { Contender } from "./contender.js";

/** The few calls of an ioredis or iovalkey client that the floor makes (both libraries share them). */
export interface RawRespClient {
  set(key: string, value: Uint8Array, ...expiry: ["PX", number] | []): Promise<unknown>;
  set(key: string, value: Uint8Array, px: "PX", ttlMs: number, nx: "NX"): Promise<unknown>;
  incrby(key: string, by: number): Promise<number>;
  pexpire(key: string, ttlMs: number, nx: "NX"): Promise<number>;
  getBuffer(key: string): Promise<Buffer | null>;
  scan(cursor: string, match: "MATCH", pattern: string, count: "COUNT", hint: number): Promise<[string, string[]]>;
  unlink(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
}

/** Keys and patterns of the floor: plain prefixes, no characters SCAN MATCH would treat as glob. */
const SCAN_PAGE = 1_000;

/**
 * The floor of a Redis-protocol backend: the raw client, `SET key value [PX ms]` and
 * `getBuffer`; a namespace is a key prefix, emptied by a SCAN MATCH + UNLINK loop (one page per
 * UNLINK, 1000 keys per SCAN hint, as Stowage's own store pages). Its atomic operations are what
 * an application writes by hand: `INCRBY` and `PEXPIRE ... NX` sent together (one round trip, but
 * two commands, and no check of the ±(2^53-1) range), and `SET key value PX ms NX`.
 */
export function respFloor(name: string, client: RawRespClient): Contender {
  const set = (key: string, value: Uint8Array, ttlMs?: number) => (ttlMs === undefined ? client.set(key, value) : client.set(key, value, "PX", ttlMs));
  return {
    name,
    role: "floor",
    notes: [],
    set,
    get: (key) => client.getBuffer(key),
    atomic: {
      increment: async (key, ttlMs) => (await Promise.all([client.incrby(key, 1), client.pexpire(key, ttlMs, "NX")]))[0],
      setIfAbsent: async (key, value, ttlMs) => (await client.set(key, value, "PX", ttlMs, "NX")) !== null,
    },
    namespace(space) {
      const prefix = `floor:${space}:`;
      return {
        set: (key, value) => client.set(prefix + key, value),
        get: (key) => client.getBuffer(prefix + key),
        async deleteAll() {
          let cursor = "0";
          do {
            const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", SCAN_PAGE);
            if (keys.length > 0) await client.unlink(...keys);
            cursor = next;
          } while (cursor !== "0");
        },
      };
    },
    close: () => client.quit().then(() => undefined),
  };
}
