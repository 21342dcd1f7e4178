// Real frameworks over real HTTP, real Redis servers and child processes: CI runs every package's
// tests at once on two cores, so each test gets a generous timeout (none asserts a speed).
module.exports = { ...require("../../jest.base.cjs"), testTimeout: 30_000 };
