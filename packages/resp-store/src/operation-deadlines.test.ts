import { OperationDeadlines } from "./operation-deadlines.js";

class TimedOut extends Error {}
class Translated extends Error {}

function deadlines(timeoutMs: number): OperationDeadlines {
  return new OperationDeadlines(timeoutMs, {
    timeout: (operation) => new TimedOut(`${operation} timed out`),
    error: (error, operation, key) => new Translated(`${operation} ${key}: ${(error as Error).message}`),
  });
}

const never = new Promise<never>(() => {});

describe("OperationDeadlines", () => {
  test("passes replies through, and discards them when asked", async () => {
    const bounded = deadlines(1_000);
    await expect(bounded.run("get", "k", Promise.resolve("value"))).resolves.toBe("value");
    await expect(bounded.runDiscarding("set", "k", Promise.resolve("OK"))).resolves.toBeUndefined();
  });

  test("translates a command's rejection", async () => {
    await expect(deadlines(1_000).run("get", "k", Promise.reject(new Error("boom")))).rejects.toEqual(new Translated("get k: boom"));
  });

  test("rejects commands that never answer, oldest first, and keeps serving the rest", async () => {
    const bounded = deadlines(30);
    const order: string[] = [];
    const first = bounded.run("first", undefined, never).catch((error: unknown) => order.push((error as Error).message));
    const answered = bounded.run("answered", undefined, Promise.resolve(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = bounded.run("second", undefined, never).catch((error: unknown) => order.push((error as Error).message));
    await expect(answered).resolves.toBe(1);
    await Promise.all([first, second]);
    expect(order).toEqual(["first timed out", "second timed out"]);
  });

  test("a late answer or failure after the deadline changes nothing and is not unhandled", async () => {
    const bounded = deadlines(10);
    let fail!: (error: Error) => void;
    const late = new Promise<never>((_, reject) => (fail = reject));
    await expect(bounded.run("get", "k", late)).rejects.toBeInstanceOf(TimedOut);
    fail(new Error("too late"));
    await new Promise((resolve) => setImmediate(resolve));
  });

  test("many settled operations leave nothing pending", async () => {
    const bounded = deadlines(50);
    await Promise.all(Array.from({ length: 5_000 }, (_, index) => bounded.run("get", String(index), Promise.resolve(index))));
    await expect(bounded.run("stuck", undefined, never)).rejects.toBeInstanceOf(TimedOut);
  });
});
