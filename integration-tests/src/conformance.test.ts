import { describeStoreConformance } from "@stowage/conformance";
import { startServer, type RunningServer } from "@stowage/test-servers";
import { KINDS, connect, freshNamespace, storeName, storeOn, type AnyClient } from "./stores.js";

// One server and one shared client per kind; every case gets a store on its own root namespace.
describe.each(KINDS)("%s, single server", (kind) => {
  let server: RunningServer;
  let client: AnyClient;

  beforeAll(async () => {
    server = await startServer(kind);
    client = connect(kind, server);
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  describeStoreConformance({
    name: storeName(kind),
    create: () => storeOn(kind, { client, namespace: freshNamespace("conformance") }),
  });
});
