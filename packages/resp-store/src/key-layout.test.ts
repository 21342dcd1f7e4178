import { entryKeyPrefix, entryMatchPattern, escapeGlob, escapeNamespaceName, namespaceMatchPattern, namespacePath } from "./key-layout.js";

/** Reads a Redis key back into (path, key), as a person reading the layout would. */
function parse(redisKey: string): { path: string[]; key: string } {
  const path: string[] = [];
  let name = "";
  for (let index = 0; index < redisKey.length; index++) {
    const char = redisKey[index]!;
    if (char === "\\") name += redisKey[++index];
    else if (char === ":") {
      path.push(name);
      name = "";
    } else if (char === "|") {
      path.push(name);
      return { path, key: redisKey.slice(index + 1) };
    } else name += char;
  }
  throw new Error(`no key in ${redisKey}`);
}

const NAMES = ["stowage", "a", "b", "a:b", "a|b", "a\\", "\\:", "|", ":", "*", "[x]", "cache", "cache2", "é 🎉", "a_b"];
const KEYS = ["k", "b:c", "c", "|", ":", "\\", "a|b:c", "*?[]", "\n", "🎉"];

describe("key layout", () => {
  test("reads naturally in redis-cli", () => {
    expect(entryKeyPrefix(["stowage"]) + "user:1").toBe("stowage|user:1");
    expect(entryKeyPrefix(["stowage", "sessions"]) + "abc").toBe("stowage:sessions|abc");
    expect(entryKeyPrefix(["stowage", "a:b"]) + "c").toBe("stowage:a\\:b|c");
    expect(namespacePath(["app", "x|y", "back\\slash"])).toBe("app:x\\|y:back\\\\slash");
  });

  test("is injective: every (path, key) reads back as itself", () => {
    const seen = new Map<string, string>();
    for (const first of NAMES) {
      for (const path of [[first], [first, "b"], [first, "a", "b"], ["a", first]]) {
        for (const key of KEYS) {
          const redisKey = entryKeyPrefix(path) + key;
          expect(parse(redisKey)).toEqual({ path, key });
          const identity = JSON.stringify([path, key]);
          expect(seen.get(redisKey) ?? identity).toBe(identity);
          seen.set(redisKey, identity);
        }
      }
    }
  });

  test("keeps the contract's examples apart", () => {
    // Entry "b:c" in namespace a, and entry "c" in namespace a then b.
    expect(entryKeyPrefix(["r", "a"]) + "b:c").not.toBe(entryKeyPrefix(["r", "a", "b"]) + "c");
    // Namespace a_b, and namespace a then b.
    expect(entryKeyPrefix(["r", "a_b"])).not.toBe(entryKeyPrefix(["r", "a", "b"]));
  });

  test("escapes names and glob patterns", () => {
    expect(escapeNamespaceName("a:b|c\\d")).toBe("a\\:b\\|c\\\\d");
    expect(escapeGlob("a*b?c[d]e\\f")).toBe("a\\*b\\?c\\[d\\]e\\\\f");
  });

  test("matches a namespace and its descendants with one pattern whose literal part is the path", () => {
    expect(namespaceMatchPattern(["stowage"])).toBe("stowage[:|]*");
    expect(namespaceMatchPattern(["stowage", "cache"])).toBe("stowage:cache[:|]*");
    expect(namespaceMatchPattern(["st*", "a:b[1]"])).toBe("st\\*:a\\\\:b\\[1\\][:|]*");
  });

  test("matches a namespace's own entries only, escaped the same way", () => {
    expect(entryMatchPattern(["stowage"])).toBe("stowage|*");
    expect(entryMatchPattern(["stowage", "cache"])).toBe("stowage:cache|*");
    expect(entryMatchPattern(["st*", "a:b[1]"])).toBe("st\\*:a\\\\:b\\[1\\]|*");
  });
});
