// The framework tests run real apps over HTTP and, for Redis, a real server: two workers keep a
// two-core machine busy without starving them; expiry tests wait real seconds.
module.exports = { ...require("../../jest.base.cjs"), maxWorkers: 2, testTimeout: 15_000 };
