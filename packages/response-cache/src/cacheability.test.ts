import { cacheability, varyNames, type CacheabilityRules, type HeaderPair } from "./cacheability.js";

const rules: CacheabilityRules = { statuses: new Set([200]), cacheSetCookie: false, cachePrivate: false, cacheNoStore: false };

test.each<[string, number, HeaderPair[], string]>([
  ["a plain 200", 200, [["content-type", "text/plain"]], "stored"],
  ["another status", 404, [], "status"],
  ["Vary: *", 200, [["Vary", "Accept, *"]], "vary-star"],
  ["Set-Cookie", 200, [["Set-Cookie", "a=1"]], "set-cookie"],
  ["no-store", 200, [["Cache-Control", "public, NO-STORE"]], "no-store"],
  ["no-cache", 200, [["cache-control", "no-cache"]], "no-store"],
  ["private with fields", 200, [["cache-control", 'private="x-a, x-b"']], "private"],
  ["public, max-age", 200, [["cache-control", "public, max-age=60"]], "stored"],
])("%s", (_label, status, headers, expected) => {
  const verdict = cacheability(status, headers, rules);
  expect(verdict.storable ? "stored" : verdict.reason).toBe(expected);
});

test("each opt-in lets its case through", () => {
  const all = { ...rules, cacheSetCookie: true, cachePrivate: true, cacheNoStore: true };
  expect(cacheability(200, [["set-cookie", "a=1"], ["cache-control", "private, no-store"]], all).storable).toBe(true);
});

test("varyNames lowercases, merges repeated headers, dedupes and sorts", () => {
  expect(varyNames([["Vary", "Accept-Language, accept"], ["vary", "ACCEPT, Origin"]])).toEqual(["accept", "accept-language", "origin"]);
  expect(varyNames([])).toEqual([]);
});
