import { StoreCorruptionError } from "@stowage/core";
import { decodeEntry, encodeResponse, encodeVary, newToken, type CachedResponse } from "./entry.js";

test("a response round-trips: status, headers in order (byte strings), body bytes, time", () => {
  const body = Uint8Array.from({ length: 300 }, (_, index) => index % 256);
  const response: CachedResponse = { status: 203, storedAt: 1_700_000_000_123, body, headers: [["Content-Type", "a/b"], ["x", "\u00ff\u00e9"], ["x", ""], ["Link", "<a>"]] };
  const bytes = encodeResponse(response);
  expect(bytes.byteLength).toBeLessThan(300 + 80);
  expect(decodeEntry(bytes, "k")).toEqual({ kind: "response", response: { ...response, body: expect.any(Uint8Array) } });
  const decoded = decodeEntry(bytes, "k");
  expect(decoded.kind === "response" && Buffer.from(decoded.response.body).equals(Buffer.from(body))).toBe(true);
});

test("a vary record round-trips", () => {
  const vary = { names: ["accept", "accept-language"], token: newToken() };
  expect(vary.token).toMatch(/^[0-9a-f]{32}$/);
  expect(decodeEntry(encodeVary(vary), "k")).toEqual({ kind: "vary", vary });
});

test("foreign, truncated and newer values are StoreCorruptionErrors", () => {
  const good = encodeResponse({ status: 200, storedAt: 0, body: new Uint8Array(0), headers: [["a", "b"]] });
  const newer = Uint8Array.from(good);
  newer[4] = 9;
  for (const bytes of [new TextEncoder().encode("<html>"), good.subarray(0, 20), newer, new Uint8Array(0)]) {
    expect(() => decodeEntry(bytes, "key")).toThrow(StoreCorruptionError);
  }
});
