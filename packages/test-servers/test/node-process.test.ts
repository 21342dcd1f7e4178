import { join } from "node:path";
import { raceNodeProcesses, startNodeProcess } from "../src/index.js";

const fixture = join(__dirname, "fixtures", "lines.cjs");

test("passes arguments and environment, reads lines, and stops the process by closing its stdin", async () => {
  const child = startNodeProcess(fixture, { args: ["ready", "0"], env: { GREETING: "hello" } });
  expect(await child.nextLine()).toBe("ready");
  expect(await child.nextLine()).toBe("hello");
  expect(child.child.exitCode).toBeNull();
  await child.stop();
  await expect(child.exited).resolves.toBeUndefined();
  await child.stop(); // idempotent
});

test("a process that exits with a failure rejects exited and any further nextLine, and stop still resolves", async () => {
  const child = startNodeProcess(fixture, { args: ["ready", "3", "now"] });
  expect(await child.nextLine()).toBe("ready");
  expect(await child.nextLine()).toBe("undefined");
  await expect(child.nextLine()).rejects.toThrow(/exited with 3 before printing a line \(its last line: undefined\)/);
  await expect(child.exited).rejects.toThrow(/exited with 3/);
  await child.stop();
});

describe("raceNodeProcesses", () => {
  const racer = join(__dirname, "fixtures", "racer.cjs");

  test("lets every process go once all are ready, and resolves their results in order", async () => {
    const results = await raceNodeProcesses([startNodeProcess(racer, { args: ["a", "0"] }), startNodeProcess(racer, { args: ["b", "0"] })]);
    expect(results).toEqual(["a", "b"]);
  });

  test("rejects when one fails, and leaves nothing running", async () => {
    const processes = [startNodeProcess(racer, { args: ["a", "0"] }), startNodeProcess(racer, { args: ["b", "2"] })];
    await expect(raceNodeProcesses(processes)).rejects.toThrow(/exited with 2/);
    expect(processes.every((started) => started.child.exitCode !== null || started.child.killed)).toBe(true);
    await Promise.all(processes.map((started) => started.stop()));
  });
});
