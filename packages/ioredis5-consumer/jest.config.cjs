// Jest resolves "ioredis" from this package: ioredis 5, the client the tests hand to the store.
module.exports = { ...require("../../jest.base.cjs"), testTimeout: 30_000 };
