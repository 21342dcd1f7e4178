import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStoreConformance } from "@stowage/conformance";
import { FileStore } from "./index.js";

// One scratch directory for the file; each case gets a fresh subdirectory of it.
const scratch = mkdtempSync(join(tmpdir(), "stowage-file-conformance-"));
let count = 0;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describeStoreConformance({ name: "FileStore", create: () => new FileStore({ path: join(scratch, `case-${++count}`) }) });

describeStoreConformance({
  name: "FileStore (durable)",
  create: () => new FileStore({ path: join(scratch, `case-${++count}`), durable: true }),
});
