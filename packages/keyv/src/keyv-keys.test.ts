import { describe, expect, test } from "vitest";
import { iteratorKey, locateKey, toNamespace } from "./keyv-keys.js";

describe("locateKey", () => {
  test("a key prefixed with the current namespace belongs to it, whatever follows", () => {
    expect(locateKey("keyv:a:b", "keyv", new Set(["keyv"]))).toEqual({ namespace: "keyv", key: "a:b" });
    expect(locateKey("keyv:", "keyv", new Set(["keyv"]))).toEqual({ namespace: "keyv", key: "" });
  });

  test("a key prefixed with another namespace the adapter was given goes there, the longest name first", () => {
    const known = new Set(["a", "a:b", "second"]);
    expect(locateKey("second:k", "a", known)).toEqual({ namespace: "second", key: "k" });
    expect(locateKey("a:b:k", "second", known)).toEqual({ namespace: "a:b", key: "k" });
    expect(locateKey("a:k", "second", known)).toEqual({ namespace: "a", key: "k" });
  });

  test("anything else is a plain key of the current namespace (useKeyPrefix: false, or no namespace)", () => {
    expect(locateKey("k", "plain", new Set(["plain"]))).toEqual({ namespace: "plain", key: "k" });
    expect(locateKey("keyvx:k", "keyv", new Set(["keyv"]))).toEqual({ namespace: "keyv", key: "keyvx:k" });
    expect(locateKey("a:b", undefined, new Set())).toEqual({ namespace: undefined, key: "a:b" });
  });
});

test("iteratorKey gives what Keyv 5.6 strips back to the plain key", () => {
  expect(iteratorKey("keyv", "a:b")).toBe("keyv:a:b");
  expect(iteratorKey(undefined, "a:b")).toBe(":a:b");
});

test("toNamespace treats an empty or missing name as no namespace", () => {
  expect(toNamespace("")).toBeUndefined();
  expect(toNamespace(undefined)).toBeUndefined();
  expect(toNamespace("n")).toBe("n");
});
