export { RespStore, type RespStoreOptions, DEFAULT_NAMESPACE, DEFAULT_OPERATION_TIMEOUT_MS, SCAN_PAGE_SIZE } from "./resp-store.js";
export { GET_AND_RENEW_SCRIPT, INCREMENT_SCRIPT, INCREMENT_REFUSED } from "./scripts.js";
export type { RespClient, RespNodeClient, RespPipeline } from "./resp-client.js";
export { entryKeyPrefix, entryMatchPattern, escapeGlob, escapeNamespaceName, namespaceMatchPattern, namespacePath } from "./key-layout.js";
export { clientOptionsWithDefaults, type ClientFactoryOptions } from "./client-options.js";
