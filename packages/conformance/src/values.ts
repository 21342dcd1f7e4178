import { InvalidArgumentError } from "@stowage/core";
import type { CaseDefinition, ResolvedCapabilities } from "./case-definition.js";
import { expectBytes, expectRejection, within } from "./assertions.js";
import { patternBytes, randomKey, utf8 } from "./fixtures.js";
import { expect } from "./expect.js";

/** Values that are neither a `Uint8Array` nor a string, each of which `set` must reject. */
export const NOT_BYTES: ReadonlyArray<[string, () => unknown]> = [
  ["a number", () => 42],
  ["a boolean", () => true],
  ["an object", () => ({ value: "x" })],
  ["null", () => null],
  ["undefined", () => undefined],
  ["an ArrayBuffer", () => new ArrayBuffer(4)],
  ["a Uint16Array", () => new Uint16Array([1, 2])],
  ["an Int8Array", () => new Int8Array([1, -2])],
  ["a DataView", () => new DataView(new ArrayBuffer(4))],
  ["an array of numbers", () => [1, 2, 3]],
];

function sizeLabel(bytes: number): string {
  if (bytes % 1_048_576 === 0) return `${bytes / 1_048_576} MiB`;
  if (bytes % 1_024 === 0) return `${bytes / 1_024} KiB`;
  return `${bytes}-byte`;
}

/** Values are bytes: every byte survives, nothing is shared with the caller, nothing else is taken. */
export function valueCases(capabilities: ResolvedCapabilities): CaseDefinition[] {
  const large = capabilities.largeValueBytes;
  return [
    {
      name: "all 256 byte values survive, in both orders",
      async run(store) {
        const ascending = Uint8Array.from({ length: 256 }, (_, index) => index);
        const descending = ascending.slice().reverse();
        const [first, second] = [randomKey(), randomKey()];
        await store.set(first, ascending);
        await store.set(second, descending);
        expectBytes(await store.get(first), ascending, "bytes 0..255");
        expectBytes(await store.get(second), descending, "bytes 255..0");
      },
    },
    {
      name: "NUL bytes survive, alone, leading, trailing and inside",
      async run(store) {
        for (const value of [[0], [0, 0, 0], [0, 65], [65, 0], [65, 0, 66]]) {
          const key = randomKey();
          await store.set(key, Uint8Array.from(value));
          expectBytes(await store.get(key), Uint8Array.from(value), `value [${value.join(", ")}]`);
        }
      },
    },
    {
      name: "invalid UTF-8 survives byte for byte",
      async run(store) {
        // A lone continuation byte, a truncated sequence, an overlong NUL, an encoded surrogate, 0xff.
        const value = Uint8Array.from([0x80, 0xc3, 0x28, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xff, 0xfe, 0xe2, 0x82]);
        const key = randomKey();
        await store.set(key, value);
        expectBytes(await store.get(key), value, "invalid UTF-8");
      },
    },
    {
      name: "an empty value is a value: exists is true and get returns an empty array",
      async run(store) {
        const [fromBytes, fromString] = [randomKey(), randomKey()];
        await store.set(fromBytes, new Uint8Array(0));
        await store.set(fromString, "");
        for (const key of [fromBytes, fromString]) {
          expect(await store.exists(key)).toBe(true);
          expectBytes(await store.get(key), new Uint8Array(0), "get of an empty value");
          expect(await store.expiresIn(key)).toBeNull();
        }
      },
    },
    {
      name: `a value of ${sizeLabel(large)} survives whole`,
      async run(store) {
        const value = patternBytes(large, 7);
        const key = randomKey();
        await store.set(key, value);
        expect(await store.exists(key)).toBe(true);
        expectBytes(await store.get(key), value, `${sizeLabel(large)} value`);
      },
    },
    {
      name: "a string is stored as its UTF-8 bytes",
      async run(store) {
        for (const text of ["plain", "héllo wörld", "€ and 😀", "a\u0000b", "e\u0301"]) {
          const key = randomKey();
          await store.set(key, text);
          expectBytes(await store.get(key), utf8(text), `string ${JSON.stringify(text)}`);
        }
      },
    },
    {
      name: "a Buffer, and a Uint8Array viewing part of a larger buffer, store just their bytes",
      async run(store) {
        const whole = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
        const [buffer, view] = [randomKey(), randomKey()];
        await store.set(buffer, Buffer.from("buffer"));
        await store.set(view, whole.subarray(2, 5));
        expectBytes(await store.get(buffer), utf8("buffer"), "a Buffer");
        expectBytes(await store.get(view), Uint8Array.from([3, 4, 5]), "bytes 2..4 of an 8-byte buffer");
      },
    },
    {
      name: "changing the array given to set, after set resolved, does not change the stored value",
      async run(store) {
        const key = randomKey();
        const value = Uint8Array.from([1, 2, 3, 4]);
        await store.set(key, value);
        value.fill(9);
        expectBytes(await store.get(key), Uint8Array.from([1, 2, 3, 4]), "get after changing the caller's array");
      },
    },
    {
      name: "changing what get returned does not change the stored value",
      async run(store) {
        const key = randomKey();
        await store.set(key, Uint8Array.from([1, 2, 3, 4]));
        const first = await store.get(key);
        expectBytes(first, Uint8Array.from([1, 2, 3, 4]), "first get");
        first!.fill(9);
        expectBytes(await store.get(key), Uint8Array.from([1, 2, 3, 4]), "get after changing a returned array");
        await store.get(key, { renewFor: "1h" }).then((renewed) => renewed?.fill(9));
        expectBytes(await store.get(key), Uint8Array.from([1, 2, 3, 4]), "get after changing what get with renewFor returned");
      },
    },
    {
      name: "set rejects every value that is not bytes or a string with InvalidArgumentError, writing nothing",
      async run(store) {
        for (const [label, make] of NOT_BYTES) {
          const [fresh, existing] = [randomKey("fresh"), randomKey("existing")];
          await store.set(existing, utf8("kept"));
          await within(`set with ${label}`, async () => {
            await expectRejection(() => store.set(fresh, make() as string), InvalidArgumentError, "set on a new key");
            await expectRejection(() => store.set(existing, make() as string), InvalidArgumentError, "set on an existing key");
            expect(await store.exists(fresh)).toBe(false);
            expectBytes(await store.get(existing), utf8("kept"), "the value the rejected set would have replaced");
          });
        }
      },
    },
  ];
}
