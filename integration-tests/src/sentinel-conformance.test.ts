import { describeStoreConformance } from "@stowage/conformance";
import { KINDS, freshNamespace, sentinelOptions, storeName, storeOn, storeWithClient, useSentinel } from "./stores.js";

// A primary with three Sentinels per kind. Every case gets a store on its own root namespace:
// on one shared Sentinel client, and through withClient({ sentinels, name }), which makes (and
// closes) a Sentinel client per store.
describe.each(KINDS)("%s through Sentinel", (kind) => {
  const fixture = useSentinel(kind);
  describeStoreConformance({
    name: `${storeName(kind)} on a Sentinel client`,
    create: () => storeOn(kind, { client: fixture.client, namespace: freshNamespace("sentinel-conformance") }),
    // SCAN may return a key twice while the server resizes its table (SPEC, "Listing keys").
    capabilities: { keysMayRepeat: true },
  });
  describeStoreConformance({
    name: `${storeName(kind)}.withClient({ sentinels, name })`,
    create: () => storeWithClient(kind, { ...sentinelOptions(fixture.sentinel), namespace: freshNamespace("sentinel-conformance") }),
    // SCAN may return a key twice while the server resizes its table (SPEC, "Listing keys").
    capabilities: { keysMayRepeat: true },
  });
});
