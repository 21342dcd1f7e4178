import keyvTestSuite, { keyvIteratorTests } from "@keyv/test-suite";
import { Keyv } from "keyv";
import * as vitest from "vitest";
import { KeyvStowage } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

// Keyv's own published suite, over a fresh adapter per Keyv (as Keyv's adapters run it) on one
// store per backend; the iterator tests too, since every Stowage store lists its keys.
vitest.describe.each(BACKENDS)("Keyv's test suite on %s", (kind) => {
  const backend = useBackend(kind);
  const adapter = () => new KeyvStowage(backend.store);
  keyvTestSuite(vitest, Keyv, adapter);
  vitest.describe("iterator", () => {
    keyvIteratorTests(vitest, Keyv, adapter);
  });
});
