import { createHash } from "node:crypto";
import type { RespClient } from "./resp-client.js";

/**
 * `get` with `renewFor`, in one atomic round trip.
 * KEYS[1]: the entry's Redis key. ARGV[1]: the new time to live, in milliseconds.
 * Returns the value, or nil when the key is missing. The expiry moves only when the key has one
 * (PTTL >= 0): an entry without expiry never gets one, and a missing or expired entry is never
 * recreated, since nothing is written when GET finds nothing.
 */
export const GET_AND_RENEW_SCRIPT = `local value = redis.call("GET", KEYS[1])
if value and redis.call("PTTL", KEYS[1]) >= 0 then
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
end
return value`;

/** What {@link INCREMENT_SCRIPT} answers instead of the new value when it changes nothing. */
export const INCREMENT_REFUSED = {
  /** The entry does not hold a decimal integer within ±(2^53-1). */
  notACounter: 1,
  /** The sum would leave ±(2^53-1). */
  overflow: 2,
} as const;

/**
 * `increment`, in one atomic round trip.
 * KEYS[1]: the entry's Redis key. ARGV[1]: the amount, a safe integer as decimal text.
 * ARGV[2]: the time to live of an entry it creates, in milliseconds, or "" for none.
 *
 * Returns the new value as its decimal text (not an integer reply: ioredis 6's RESP3 decoder
 * rounds integers near 2^53); or, changing nothing, `{1, current}` when the entry
 * is not a counter (decimal, optional `-`, no `+`, no leading zeros, `-0` refused, within
 * ±(2^53-1): the shape of core's `decodeCounter`) and `{2, current}` when the sum would leave
 * ±(2^53-1). Redis's own INCRBY would accept 64-bit values, so the script checks instead.
 *
 * Lua numbers are doubles. Every operand is within ±(2^53-1), so exactly representable; a sum
 * within that range is computed exactly, and one outside it rounds to at least 2^53 in size
 * (rounding is monotonic and 2^53 is representable), so the bound check on the double is exact.
 * The text is written with `%.0f`, since Lua's own number formatting keeps only 14 digits.
 * A live entry is rewritten with KEEPTTL, so its expiry stays exactly as it was.
 */
export const INCREMENT_SCRIPT = `local current = redis.call("GET", KEYS[1])
local limit = 9007199254740991
local value = 0
if current then
  if #current > 17 or not (current == "0" or string.match(current, "^%-?[1-9]%d*$")) then
    return {1, current}
  end
  value = tonumber(current)
  if value > limit or value < -limit then
    return {1, current}
  end
end
local sum = value + tonumber(ARGV[1])
if sum > limit or sum < -limit then
  return {2, current or "0"}
end
local text = sum == 0 and "0" or string.format("%.0f", sum)
if current then
  redis.call("SET", KEYS[1], text, "KEEPTTL")
elseif ARGV[2] ~= "" then
  redis.call("SET", KEYS[1], text, "PX", ARGV[2])
else
  redis.call("SET", KEYS[1], text)
end
return text`;

/** A script the store runs, under the name it is registered with on the client (`defineCommand`). */
interface Script {
  readonly name: string;
  readonly lua: string;
  /** The script's SHA-1, hex: what EVALSHA names it by. */
  readonly sha: string;
}

function script(name: string, lua: string): Script {
  return { name, lua, sha: createHash("sha1").update(lua).digest("hex") };
}

/** The scripts, by the names they are registered under. */
export const SCRIPTS = {
  getAndRenew: script("stowageGetAndRenew", GET_AND_RENEW_SCRIPT),
  increment: script("stowageIncrement", INCREMENT_SCRIPT),
} as const satisfies Record<string, Script>;

type ScriptCommand = (key: string, ...args: Array<string | number>) => Promise<unknown>;

/**
 * Runs `script` on `key`, the reply as bytes, in one round trip: `EVALSHA`, and `EVAL` only when
 * the server (or a Cluster node) answers NOSCRIPT (it does not know the script yet, or flushed
 * it). Every script touches one key, so a Cluster routes it to the key's node.
 *
 * A client with `callBuffer` (ioredis, iovalkey) gets the commands directly, which costs less per
 * call than a command registered with `defineCommand`; any other client gets the script
 * registered once (shared by every store on it) and called through its bytes-replying variant.
 */
export function runScript(client: RespClient, script: Script, key: string, ...args: Array<string | number>): Promise<unknown> {
  if (typeof client.callBuffer === "function") {
    return client.callBuffer("evalsha", script.sha, "1", key, ...args).catch((error: unknown) => {
      if (!isNoScript(error)) throw error;
      return client.callBuffer!("eval", script.lua, "1", key, ...args);
    });
  }
  const commands = client as unknown as Record<string, ScriptCommand | undefined>;
  const bufferName = `${script.name}Buffer`;
  let command = commands[bufferName];
  if (typeof command !== "function") {
    client.defineCommand(script.name, { lua: script.lua, numberOfKeys: 1 });
    command = commands[bufferName]!;
  }
  return command.call(client, key, ...args);
}

/** Whether the server answered that it does not know the script's SHA-1. */
function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.includes("NOSCRIPT");
}
