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
});
