// Every test here does bounded file-system work: unloaded, none takes more than a few hundred
// milliseconds. CI runs every package's tests at once on 2 cores, where the same work was seen
// to take 10-20 times longer (each fs call waits for a core and for libuv's 4 I/O threads), so
// the per-test timeout is 30 s instead of jest's 5 s: a slow machine never fails a test, a hung
// operation still does. Tests with heavier work (several processes) set their own, longer one.
module.exports = { ...require("../../jest.base.cjs"), testTimeout: 30_000 };
