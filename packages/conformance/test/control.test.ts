import { describeStoreConformance } from "../src/index.js";
import { FaultyStore } from "./faulty-store.js";

// The broken stores of broken-stores.test.ts are this store with one fault switched on. Without
// faults it must pass, so every failure there is the fault's doing. (jest's describe and test
// are passed in explicitly here, as the runner option takes them; elsewhere they are found as globals.)
describeStoreConformance({
  name: "FaultyStore without faults",
  create: () => new FaultyStore(),
  runner: { describe, test },
});
