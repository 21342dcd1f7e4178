import { describeStoreConformance } from "@stowage/conformance";
import { KINDS, freshNamespace, storeName, storeOn, useCluster } from "./stores.js";

// A three-primary cluster per kind, one Cluster client shared by every case's store.
describe.each(KINDS)("%s, three-primary Cluster", (kind) => {
  const fixture = useCluster(kind);
  describeStoreConformance({
    name: `${storeName(kind)} on a Cluster`,
    create: () => storeOn(kind, { client: fixture.client, namespace: freshNamespace("cluster-conformance") }),
    // SCAN may return a key twice while the server resizes its table (SPEC, "Listing keys").
    capabilities: { keysMayRepeat: true },
  });
});
