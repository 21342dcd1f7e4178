// Run by namespaces.test.ts in a child process with --expose-gc, against the built package:
// fills a store with one-entry tenant namespaces, empties them one way, and prints how much of
// the heap they took is still held afterwards, as a fraction.
const { MemoryStore } = require("@stowage/core");

const [way, count, keepViews] = [process.argv[2], Number(process.argv[3]), process.argv[4] === "keep"];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function heapUsed() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

async function main() {
  // Each entry counts 18 bytes against maxBytes: a 4-byte value and a 7-character key.
  const store = new MemoryStore(way === "evict" ? { maxBytes: 18 * count } : {});
  const views = [];
  const before = heapUsed();
  for (let index = 0; index < count; index++) {
    const tenant = store.withNamespace(`tenant-${index}`);
    await tenant.withNamespace("sessions").set("session", "data", way === "expire" ? { expiresIn: "20ms" } : undefined);
    if (keepViews) views.push(tenant);
  }
  const filled = heapUsed();
  const tenant = (index) => (keepViews ? views[index] : store.withNamespace(`tenant-${index}`));
  if (way === "deleteAll") for (let index = 0; index < count; index++) await tenant(index).deleteAll();
  if (way === "delete") for (let index = 0; index < count; index++) await tenant(index).withNamespace("sessions").delete("session");
  if (way === "expire") {
    await sleep(40); // twice the TTL: every entry has expired
    await store.deleteExpired();
  }
  // One entry as large as maxBytes (its value lies outside the heap) evicts every other one.
  if (way === "evict") await store.set("newcomer", new Uint8Array(18 * count - 16));
  const after = heapUsed();
  // Keep the store and the views alive until the end (V8 frees what is never used again).
  process.stdout.write(JSON.stringify({ held: (after - before) / (filled - before), size: store.size, views: views.length }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
