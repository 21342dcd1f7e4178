import { describeStoreConformance } from "@stowage/conformance";
import { KINDS, freshNamespace, storeName, storeOn, useServer } from "./stores.js";

// One server and one shared client per kind; every case gets a store on its own root namespace.
describe.each(KINDS)("%s, single server", (kind) => {
  const fixture = useServer(kind);
  describeStoreConformance({
    name: storeName(kind),
    create: () => storeOn(kind, { client: fixture.client, namespace: freshNamespace("conformance") }),
    // SCAN may return a key twice while the server resizes its table (SPEC, "Listing keys").
    capabilities: { keysMayRepeat: true },
  });
});
