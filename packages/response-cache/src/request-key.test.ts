import { customKey, defaultKey, lockKey, sortedQuery, splitTarget, variantKey } from "./request-key.js";

test("splitTarget keeps path and query as sent and reads an absolute URL's host", () => {
  expect(splitTarget("/a%20b?x=1#frag")).toEqual({ authority: undefined, path: "/a%20b", query: "x=1" });
  expect(splitTarget("https://user@Shop.Example:8443?x")).toEqual({ authority: "shop.example:8443", path: "/", query: "x" });
  expect(splitTarget("")).toEqual({ authority: undefined, path: "/", query: "" });
});

test("sortedQuery sorts by name, keeps the order of a repeated name, drops empty pieces", () => {
  expect(sortedQuery("b=2&a=1&&c")).toEqual(["a=1", "b=2", "c"]);
  expect(sortedQuery("x=2&a=0&x=1")).toEqual(["a=0", "x=2", "x=1"]);
  expect(sortedQuery("a&a=")).toEqual(["a", "a="]);
});

test("default keys never collide across the separators", () => {
  const keys = [
    defaultKey("GET", "h", "/a?b=1"),
    defaultKey("GET", "h", "/ab=1"),
    defaultKey("GET", "h", "/a?b=1&c=2"),
    defaultKey("GET", "h", "/a?b=1%26c=2"),
    defaultKey("GET", "h", "/a?b"),
    defaultKey("GET", "h", "/a?b="),
    defaultKey("GET", "h/a", "?b=1"),
    defaultKey("GET", undefined, "/a?b=1"),
    defaultKey("POST", "h", "/a?b=1"),
  ];
  expect(new Set(keys).size).toBe(keys.length);
  expect(defaultKey("GET", "H", "/a?c=2&b=1")).toBe(defaultKey("GET", "h", "/a?b=1&c=2"));
  expect(defaultKey("GET", undefined, "http://h/a?b=1")).toBe(defaultKey("GET", "h", "/a?b=1"));
});

test("custom, variant and lock keys stay apart from default keys and each other", () => {
  const base = defaultKey("GET", "h", "/");
  const keys = [base, customKey(base), customKey("/"), variantKey(base, "t", ["en"]), variantKey(base, "t", [null]), lockKey(base), lockKey(variantKey(base, "t", ["en"]))];
  expect(new Set(keys).size).toBe(keys.length);
  expect(customKey("a\nb")).not.toContain("\n");
});
