import { StoreConfigurationError, StoreCorruptionError, StoreUnavailableError, InvalidKeyError } from "@stowage/core";
import { translateError } from "./translate-error.js";

class ReplyError extends Error {
  override name = "ReplyError";
}

const failed = { operation: "get", store: "RedisStore", key: "k", redisKey: "stowage|k" };

describe("translateError", () => {
  test("WRONGTYPE means another program wrote our key: corruption, naming the key", () => {
    const cause = new ReplyError("WRONGTYPE Operation against a key holding the wrong kind of value");
    const error = translateError(cause, failed);
    expect(error).toBeInstanceOf(StoreCorruptionError);
    expect(error).toMatchObject({ key: "k", path: "stowage|k", store: "RedisStore", cause });
  });

  test("authentication and ACL refusals are configuration problems", () => {
    for (const message of ["NOAUTH Authentication required.", "WRONGPASS invalid username-password pair", "NOPERM this user has no permissions"]) {
      const error = translateError(new ReplyError(message), failed);
      expect(error).toBeInstanceOf(StoreConfigurationError);
      expect(error.message).toContain(message);
    }
  });

  test("everything else means unavailable, with the client's error as cause", () => {
    for (const cause of [new Error("connect ECONNREFUSED 127.0.0.1:1"), new ReplyError("LOADING Redis is loading"), new Error("Connection is closed."), "odd"]) {
      const error = translateError(cause, failed);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ operation: "get", store: "RedisStore", cause });
    }
  });

  test("a Stowage error passes through unchanged", () => {
    const error = new InvalidKeyError({ key: "", reason: "it is empty" });
    expect(translateError(error, failed)).toBe(error);
  });

  test("a command the client gave up on gets the connection's own error as cause and in the message", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    for (const gaveUp of ["Reached the max retries per request limit (which is 1).", "Connection is closed."]) {
      const error = translateError(new Error(gaveUp), { ...failed, connection: { error: refused, sentinelError: undefined } });
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.cause).toBe(refused);
      expect(error.message).toContain("connect ECONNREFUSED 127.0.0.1:1");
      expect(error.message).toContain(gaveUp);
    }
    const wrongPassword = new ReplyError("WRONGPASS invalid username-password pair");
    const error = translateError(new Error("Connection is closed."), { ...failed, connection: { error: wrongPassword, sentinelError: undefined } });
    expect(error).toBeInstanceOf(StoreConfigurationError);
    expect(error.cause).toBe(wrongPassword);
  });

  test("a command's own error is kept even when the connection failed before", () => {
    const cause = new ReplyError("LOADING Redis is loading");
    const error = translateError(cause, { ...failed, connection: { error: new Error("connect ECONNREFUSED 127.0.0.1:1"), sentinelError: undefined } });
    expect(error.cause).toBe(cause);
  });
});
