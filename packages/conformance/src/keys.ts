import { InvalidKeyError } from "@stowage/core";
import type { CaseDefinition } from "./case-definition.js";
import { expectBytes, expectRejection, within } from "./assertions.js";
import { randomKey, show, utf8 } from "./fixtures.js";
import { expect } from "./expect.js";

/**
 * Keys that trip up backends which map keys to paths, patterns or escaped strings. Each must
 * mean itself: round-trip, and stay distinct from every other one.
 */
export const AWKWARD_KEYS: readonly string[] = [
  "/", "//", "/abs", "a/b", "a\\b", "\\", ".", "..", "../x", "../../etc/passwd", "..\\x", "./x",
  ":", "a:b", "*", "?", "[", "]", "[ab]", "a*", "{a,b}", "|", "~", "$HOME", "#", "&", "+", "=", "'", '"', "<>",
  "%", "%2F", "%2f", "%3A", "a%20b", "a b", " ", "  ", " lead", "trail ", "\t", "\n", "\r\n", "line\nbreak",
  "\u0000", "a\u0000b", "\u0000\u0000", "\u007f", "\u00a0", "\u200b", "😀", "👨‍👩‍👧", "\ufeff", "\uffff",
  "e\u0301", "\u00e9", "a", "A", "ß", "SS", "ss", "Ω", "\u2126", "CON", "con", "nul", "aux.txt", "x.", "x ",
];

/** Keys that are not keys, with how a careless backend might still have stored them. */
const INVALID_KEYS: ReadonlyArray<{ label: string; key: () => unknown; storedAs?: string }> = [
  { label: "the empty string", key: () => "" },
  { label: "a lone high surrogate", key: () => "\ud800", storedAs: "\ufffd" },
  { label: "a lone low surrogate", key: () => "\udc00", storedAs: "\ufffd" },
  { label: "a lone surrogate inside text", key: () => "a\ud800b", storedAs: "a\ufffdb" },
  { label: "65,537 ASCII characters (over 64 KiB)", key: () => "k".repeat(65_537), storedAs: "k".repeat(65_536) },
  { label: '21,846 × "€" (65,538 bytes of UTF-8)', key: () => "€".repeat(21_846), storedAs: "€".repeat(21_845) },
  { label: "a number", key: () => 1, storedAs: "1" },
  { label: "null", key: () => null, storedAs: "null" },
  { label: "undefined", key: () => undefined, storedAs: "undefined" },
  { label: "an object", key: () => ({}), storedAs: "[object Object]" },
  { label: "an array", key: () => ["array-key"], storedAs: "array-key" },
  { label: "a Buffer", key: () => Buffer.from("buffer-key"), storedAs: "buffer-key" },
];

/** Keys: every well-formed string up to 64 KiB means itself; anything else is refused. */
export function keyCases(): CaseDefinition[] {
  return [
    {
      name: "awkward keys each round-trip and stay distinct",
      async run(store) {
        // The keys are used literally (a random prefix would hide `..` and `/`); the values carry
        // a run id, so an entry left by an earlier run can never pass for this one.
        const run = randomKey("run");
        const valueOf = (index: number) => utf8(`${run}/${index}`);
        for (const [index, key] of AWKWARD_KEYS.entries()) await store.set(key, valueOf(index));
        for (const [index, key] of AWKWARD_KEYS.entries()) {
          await within(`key ${show(key)}`, async () => {
            expect(await store.exists(key)).toBe(true);
            expectBytes(await store.get(key), valueOf(index), "its own value");
          });
        }
        // Deleting one must not delete a key that merely looks the same to a filesystem or a glob.
        for (const [index, key] of AWKWARD_KEYS.entries()) {
          if (index % 2 === 0) await store.delete(key);
        }
        for (const [index, key] of AWKWARD_KEYS.entries()) {
          await within(`key ${show(key)} after deleting every other key`, async () => {
            expect(await store.exists(key)).toBe(index % 2 === 1);
          });
        }
        for (const key of AWKWARD_KEYS) await store.delete(key);
      },
    },
    {
      name: "a key of exactly 64 KiB in UTF-8 is accepted, and differs from its prefixes",
      async run(store) {
        const tag = randomKey("long");
        const ascii = tag + "k".repeat(65_536 - tag.length);
        // 21,845 × "€" is 65,535 bytes; one more ASCII character makes 65,536.
        const multibyte = "€".repeat(21_845) + "x";
        const prefix = ascii.slice(0, 65_535);
        for (const key of [ascii, multibyte, prefix]) await store.set(key, utf8(`${key.length}`));
        for (const key of [ascii, multibyte, prefix]) {
          await within(`a key of ${key.length} characters`, async () => {
            expectBytes(await store.get(key), utf8(`${key.length}`), "its own value");
            expect(await store.exists(key)).toBe(true);
            expect(await store.expiresIn(key)).toBeNull();
          });
        }
        for (const key of [ascii, multibyte, prefix]) await store.delete(key);
        for (const key of [ascii, multibyte, prefix]) expect(await store.exists(key)).toBe(false);
      },
    },
    {
      name: "invalid keys are rejected with InvalidKeyError on every operation, writing nothing",
      async run(store) {
        for (const { label, key, storedAs } of INVALID_KEYS) {
          const bad = key() as string;
          await within(`key: ${label}`, async () => {
            await expectRejection(() => store.set(bad, utf8("x")), InvalidKeyError, "set");
            await expectRejection(() => store.set(bad, utf8("x"), { expiresIn: "1h" }), InvalidKeyError, "set with expiresIn");
            await expectRejection(() => store.get(bad), InvalidKeyError, "get");
            await expectRejection(() => store.get(bad, { renewFor: "1h" }), InvalidKeyError, "get with renewFor");
            await expectRejection(() => store.exists(bad), InvalidKeyError, "exists");
            await expectRejection(() => store.expiresIn(bad), InvalidKeyError, "expiresIn");
            await expectRejection(() => store.delete(bad), InvalidKeyError, "delete");
            await expectRejection(() => store.increment(bad), InvalidKeyError, "increment");
            await expectRejection(() => store.increment(bad, { by: 2, expiresIn: "1h" }), InvalidKeyError, "increment with by and expiresIn");
            await expectRejection(() => store.setIfAbsent(bad, utf8("x")), InvalidKeyError, "setIfAbsent");
            await expectRejection(() => store.setIfAbsent(bad, utf8("x"), { expiresIn: "1h" }), InvalidKeyError, "setIfAbsent with expiresIn");
            if (storedAs !== undefined) {
              await within(`nothing may be stored under ${show(storedAs)}`, async () => {
                expect(await store.exists(storedAs)).toBe(false);
              });
            }
          });
        }
      },
    },
  ];
}
