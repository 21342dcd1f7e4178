import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStoreConformance } from "@stowage/conformance";
import { FileStore } from "./index.js";

// One scratch directory for the file; each case gets a fresh subdirectory of it.
const scratch = mkdtempSync(join(tmpdir(), "stowage-file-conformance-"));
let count = 0;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// 60 s per case: some cases write hundreds of files, which took 6 s on 2 loaded cores (see
// jest.config.cjs); the suite's 20 s default would leave too thin a margin.
const timeout = 60_000;

describeStoreConformance({ name: "FileStore", create: () => new FileStore({ path: join(scratch, `case-${++count}`) }), timeout });

describeStoreConformance({
  name: "FileStore (durable)",
  create: () => new FileStore({ path: join(scratch, `case-${++count}`), durable: true }),
  timeout,
});
