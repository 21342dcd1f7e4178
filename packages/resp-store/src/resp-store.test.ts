import { ttlFromPttl } from "./resp-store.js";

describe("ttlFromPttl", () => {
  test("gives null for a missing key or one without expiry, and the milliseconds left otherwise", () => {
    expect(ttlFromPttl(-2)).toBeNull();
    expect(ttlFromPttl(-1)).toBeNull();
    expect(ttlFromPttl(1)).toBe(1);
    expect(ttlFromPttl(86_400_000)).toBe(86_400_000);
  });

  test("reports a key in its last millisecond (PTTL 0, still live for GET and EXISTS) as 1 ms left, never as null", () => {
    expect(ttlFromPttl(0)).toBe(1);
  });
});
