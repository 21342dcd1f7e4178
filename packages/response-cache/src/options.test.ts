import { InvalidArgumentError, MemoryStore, StoreRegistry } from "@stowage/core";
import { ResponseCache } from "./response-cache.js";

const store = new MemoryStore();
afterAll(() => store.close());

test.each([
  ["no options", undefined],
  ["neither store nor registry", {}],
  ["both store and registry", { store, registry: new StoreRegistry() }],
  ["a store that is not one", { store: { get: () => null } }],
  ["an unknown option", { store, ttl: 60 }],
  ["a zero expiresIn", { store, expiresIn: 0 }],
  ["a bad expiresIn", { store, expiresIn: "soon" }],
  ["a key that is not a function", { store, key: "path" }],
  ["an onError that is not a function", { store, onError: true }],
  ["empty methods", { store, methods: [] }],
  ["a method that is not a token", { store, methods: ["GET /"] }],
  ["status 304", { store, statuses: [200, 304] }],
  ["status 99", { store, statuses: [99] }],
  ["a flag that is not a boolean", { store, cacheSetCookie: "yes" }],
  ["a bad lock", { store, lock: { wait: -1 } }],
  ["an unknown lock option", { store, lock: { ttl: 1 } }],
  ["a negative maxBodyBytes", { store, maxBodyBytes: -1 }],
  ["an empty registry name", { registry: new StoreRegistry(), name: "" }],
  ["a name beside a store", { store, name: "pages" }],
  ["a registry that is not one", { registry: {} }],
])("%s rejects with InvalidArgumentError", (_label, options) => {
  expect(() => new ResponseCache(options as never)).toThrow(InvalidArgumentError);
});

test("a store option error names the response cache and the option", () => {
  expect(() => new ResponseCache({ store: { get: () => null } } as never)).toThrow(/responseCache options\.store .*missing: set, delete/);
});

test("a registry gives the store named response_cache unless told another name", async () => {
  const registry = new StoreRegistry();
  expect(new ResponseCache({ registry }).store).toBe(registry.get("response_cache"));
  expect(new ResponseCache({ registry, name: "pages" }).store).toBe(registry.get("pages"));
  await registry.close();
});
