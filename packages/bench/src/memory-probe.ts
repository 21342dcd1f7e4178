// Child process of the memory-per-entry measurement (run with --expose-gc): fills one memory
// contender with N 100-byte entries and prints how much the heap, external memory and RSS grew.
import { MEMORY_CONTENDERS } from "./memory-contenders.js";

async function probe(name: string | undefined, countText: string | undefined): Promise<void> {
  const create = name === undefined ? undefined : MEMORY_CONTENDERS[name];
  const count = Number(countText);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!create || !Number.isSafeInteger(count) || count < 1) {
    throw new Error(`usage: memory-probe <${Object.keys(MEMORY_CONTENDERS).join(" | ")}> <entries>`);
  }
  if (!gc) throw new Error("memory-probe needs node --expose-gc");
  const contender = create();
  // One entry first, so structures made lazily on the first write are in the baseline.
  await contender.set("warm-up", Buffer.alloc(100));
  gc();
  gc();
  const before = process.memoryUsage();
  for (let index = 0; index < count; index++) {
    // A fresh array per entry: the floor keeps it, a copying store keeps its own copy.
    const value = Buffer.alloc(100);
    value[0] = index & 0xff;
    await contender.set(`key:${index}`, value);
  }
  gc();
  gc();
  const after = process.memoryUsage();
  if ((await contender.get(`key:${count - 1}`)) == null) throw new Error(`${name} lost its last entry`);
  const heap = after.heapUsed + after.external - (before.heapUsed + before.external);
  process.stdout.write(`${JSON.stringify({ contender: name, entries: count, bytesPerEntry: heap / count, rssBytesPerEntry: (after.rss - before.rss) / count })}\n`);
  await contender.close();
}

probe(process.argv[2], process.argv[3]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
