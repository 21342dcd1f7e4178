import { describeStoreConformance } from "@stowage/conformance";
import { startCluster, type RunningCluster } from "@stowage/test-servers";
import { KINDS, connectCluster, freshNamespace, storeName, storeOn, type AnyClient } from "./stores.js";

// A three-primary cluster per kind, one Cluster client shared by every case's store.
describe.each(KINDS)("%s, three-primary Cluster", (kind) => {
  let cluster: RunningCluster;
  let client: AnyClient;

  beforeAll(async () => {
    cluster = await startCluster(kind, { primaries: 3 });
    client = await connectCluster(kind, cluster.nodes);
  }, 60_000);

  afterAll(async () => {
    // A Cluster client left open after its nodes stop retries forever: disconnect it first.
    client?.disconnect();
    await cluster?.stop();
  }, 30_000);

  describeStoreConformance({
    name: `${storeName(kind)} on a Cluster`,
    create: () => storeOn(kind, { client, namespace: freshNamespace("cluster-conformance") }),
  });
});
