import { join } from "node:path";
import { startNodeProcess } from "../src/index.js";

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
  await expect(child.nextLine()).rejects.toThrow(/exited with 3 before printing a line/);
  await expect(child.exited).rejects.toThrow(/exited with 3/);
  await child.stop();
});
