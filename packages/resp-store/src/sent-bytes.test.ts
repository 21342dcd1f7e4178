import { copyForSending, releaseWhenSettled } from "./sent-bytes.js";

function deferred(): { promise: Promise<unknown>; settle: () => void } {
  let settle!: () => void;
  const promise = new Promise<unknown>((resolve) => (settle = () => resolve("OK")));
  return { promise, settle };
}

describe("copyForSending", () => {
  test("passes a string on as it is, and copies bytes of every size", () => {
    expect(copyForSending("héllo")).toBe("héllo");
    for (const size of [0, 100, 20_000, 65_536, 2_000_000]) {
      const value = new Uint8Array(size).fill(7);
      const copy = copyForSending(value) as Buffer;
      expect(copy.byteLength).toBe(size);
      value.fill(1);
      expect(copy.every((byte) => byte === 7)).toBe(true);
    }
  });

  test("reuses a large copy's buffer only once the command that carried it has settled", async () => {
    const value = new Uint8Array(40_000).fill(3);
    const first = copyForSending(value) as Buffer;
    const command = deferred();
    releaseWhenSettled(first, command.promise);
    // Still in use: a new copy gets another buffer, and the first keeps its bytes.
    const second = copyForSending(new Uint8Array(40_000).fill(4)) as Buffer;
    expect(second.buffer).not.toBe(first.buffer);
    expect(first.every((byte) => byte === 3)).toBe(true);

    command.settle();
    await command.promise;
    await Promise.resolve();
    const third = copyForSending(new Uint8Array(33_000).fill(5)) as Buffer;
    expect(third.buffer).toBe(first.buffer);
    expect(third.byteLength).toBe(33_000);
    expect(third.every((byte) => byte === 5)).toBe(true);
  });

  test("a command that fails gives its buffer back too, without an unhandled rejection", async () => {
    const copy = copyForSending(new Uint8Array(50_000)) as Buffer;
    const failed = Promise.reject(new Error("connection lost"));
    failed.catch(() => {});
    releaseWhenSettled(copy, failed);
    await new Promise((resolve) => setImmediate(resolve));
    expect((copyForSending(new Uint8Array(50_000)) as Buffer).buffer).toBe(copy.buffer);
  });
});
