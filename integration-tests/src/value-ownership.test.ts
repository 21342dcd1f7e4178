import { KINDS, freshNamespace, storeOn, useServer } from "./stores.js";

// Replies that arrive in one socket read share its memory in the client; what `get` returns must
// not: SPEC (Values) says it is the caller's to keep.
describe.each(KINDS)("%s: what get returns owns its memory", (kind) => {
  const fixture = useServer(kind);

  test("values read together share no memory: zeroing one's whole buffer changes no other value or entry", async () => {
    const store = storeOn(kind, { client: fixture.client, namespace: freshNamespace("ownership") });
    const keys = Array.from({ length: 50 }, (_, index) => `k${index}`);
    const expected = keys.map((key, index) => Buffer.alloc(index * 7, key));
    await Promise.all(keys.map((key, index) => store.set(key, expected[index]!, index % 2 === 0 ? { expiresIn: "1h" } : undefined)));

    for (const renew of [undefined, { renewFor: "2h" }]) {
      // Issued in one tick, so the replies come back in as few socket reads as possible.
      const values = await Promise.all(keys.map((key) => store.get(key, renew)));
      for (const value of values) expect(value!.buffer.byteLength).toBe(value!.byteLength);
      new Uint8Array(values[10]!.buffer).fill(0);
      values.forEach((value, index) => {
        if (index !== 10) expect(Buffer.from(value!)).toEqual(expected[index]);
      });
      expect(Buffer.from((await store.get(keys[10]!))!)).toEqual(expected[10]);
    }
  });

  test("an empty value and a large one own their memory too", async () => {
    const store = storeOn(kind, { client: fixture.client, namespace: freshNamespace("ownership") });
    await store.set("empty", new Uint8Array(0));
    await store.set("large", Buffer.alloc(200_000, 7));
    const [empty, large] = await Promise.all([store.get("empty"), store.get("large")]);
    expect(empty!.byteLength).toBe(0);
    expect(empty!.buffer.byteLength).toBe(0);
    expect(large!.buffer.byteLength).toBe(200_000);
  });
});
