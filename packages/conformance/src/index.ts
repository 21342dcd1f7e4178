export { describeStoreConformance } from "./describe-store-conformance.js";
export {
  conformanceCases,
  type ConformanceCase,
  type StoreCapabilities,
  type StoreConformanceOptions,
} from "./conformance-cases.js";
export type { ConformanceRunner } from "./runner.js";
