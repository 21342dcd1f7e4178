export { RespStore, type RespStoreOptions, DEFAULT_NAMESPACE, DEFAULT_OPERATION_TIMEOUT_MS, GET_AND_RENEW_SCRIPT, SCAN_PAGE_SIZE } from "./resp-store.js";
export type { RespClient, RespNodeClient, RespPipeline } from "./resp-client.js";
export { entryKeyPrefix, escapeGlob, escapeNamespaceName, namespaceMatchPattern, namespacePath } from "./key-layout.js";
export { clientOptionsWithDefaults, type ClientFactoryOptions } from "./client-options.js";
