// The servers are real: two workers keep a two-core machine busy without starving the servers,
// and cluster setup gets generous hook timeouts.
module.exports = { ...require("../jest.base.cjs"), maxWorkers: 2, testTimeout: 30_000 };
