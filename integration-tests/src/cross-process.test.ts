import { join } from "node:path";
import { raceNodeProcesses, startNodeProcess } from "@stowage/test-servers";
import { KINDS, freshNamespace, storeOn, useCluster, useServer, type AnyClient } from "./stores.js";

const WORKER = join(__dirname, "workers", "hammer.mjs");
const PROCESSES = 4;

/** What a worker is told to do (see workers/hammer.mjs). */
interface Task {
  kind: string;
  nodes: Array<{ host: string; port: number }>;
  cluster: boolean;
  namespace: string;
  key: string;
  operation: "increment" | "setIfAbsent";
  count: number;
  inFlight: number;
}

/** Starts one worker per task, lets them all go at once, and gives back what each returned. */
async function runWorkers(tasks: Task[]): Promise<unknown[][]> {
  const workers = tasks.map((task, index) => startNodeProcess(WORKER, { args: [JSON.stringify({ ...task, label: `w${index}` })] }));
  return (await raceNodeProcesses(workers)).map((line) => JSON.parse(line) as unknown[]);
}

/** Where the workers connect, and a client of the test's own to check the result with. */
interface Topology {
  nodes: () => ReadonlyArray<{ host: string; port: number }>;
  client: () => AnyClient;
  cluster: boolean;
}

function describeAcrossProcesses(kind: (typeof KINDS)[number], topology: Topology): void {
  const task = (operation: Task["operation"], namespace: string, count: number, inFlight: number): Task => ({
    kind,
    nodes: topology.nodes().map((node) => ({ host: node.host, port: node.port })),
    cluster: topology.cluster,
    namespace,
    key: "shared",
    operation,
    count,
    inFlight,
  });

  // Four Node processes start and connect here; on a loaded two-core machine that alone can take
  // seconds, so the timeout is generous. The work itself is 1,000 or 200 small commands.
  test(`${PROCESSES} processes × 250 increments, 16 in flight each: exactly 1..1000`, async () => {
    const namespace = freshNamespace("cross-increment");
    const results = await runWorkers(Array.from({ length: PROCESSES }, () => task("increment", namespace, 250, 16)));
    const values = results.flat() as number[];
    expect(values).toHaveLength(1_000);
    expect([...values].sort((left, right) => left - right)).toEqual(Array.from({ length: 1_000 }, (_, index) => index + 1));
    const store = storeOn(kind, { client: topology.client(), namespace });
    expect(Buffer.from((await store.get("shared"))!).toString()).toBe("1000");
    expect(await store.expiresIn("shared")).toBeNull();
  }, 60_000);

  test(`${PROCESSES} processes × 50 concurrent setIfAbsent: exactly one true, and its value is stored`, async () => {
    const namespace = freshNamespace("cross-set-if-absent");
    const results = await runWorkers(Array.from({ length: PROCESSES }, () => task("setIfAbsent", namespace, 50, 50)));
    const winners = results.flatMap((outcomes, worker) => outcomes.flatMap((won, call) => (won === true ? [`w${worker}-${call}`] : [])));
    expect(results.flat().filter((won) => won === false)).toHaveLength(PROCESSES * 50 - 1);
    expect(winners).toHaveLength(1);
    const store = storeOn(kind, { client: topology.client(), namespace });
    expect(Buffer.from((await store.get("shared"))!).toString()).toBe(winners[0]);
  }, 60_000);
}

describe.each(KINDS)("%s, single server, across processes", (kind) => {
  const fixture = useServer(kind);
  describeAcrossProcesses(kind, { nodes: () => [fixture.server], client: () => fixture.client, cluster: false });
});

describe.each(KINDS)("%s, three-primary Cluster, across processes", (kind) => {
  const fixture = useCluster(kind);
  describeAcrossProcesses(kind, { nodes: () => fixture.cluster.nodes, client: () => fixture.client, cluster: true });
});
