import { sendCommand, startCluster } from "../src/index.js";
import type { RunningCluster } from "../src/index.js";
import { connectOutcome, casesUnderTest } from "./helpers.js";

const cases = casesUnderTest();

jest.setTimeout(120_000);

describe.each(cases)("startCluster(%s) via %s", (kind, via) => {
  let cluster: RunningCluster;

  beforeAll(async () => {
    cluster = await startCluster(kind, { via });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  test("three primaries, every node reports the whole cluster healthy", async () => {
    expect(cluster.kind).toBe(kind);
    expect(cluster.via).toBe(via);
    expect(cluster.nodes).toHaveLength(3);
    expect(new Set(cluster.nodes.map((node) => node.port)).size).toBe(3);
    for (const node of cluster.nodes) {
      expect(node.host).toBe("127.0.0.1");
      const info = String(await sendCommand(node.port, ["CLUSTER", "INFO"]));
      expect(info).toMatch(/cluster_state:ok/);
      expect(info).toMatch(/cluster_known_nodes:3/);
      expect(info).toMatch(/cluster_slots_ok:16384/);
      expect(info).toMatch(/cluster_size:3/);
    }
  });

  test("nodes announce 127.0.0.1 and the ports clients use", async () => {
    const slots = (await sendCommand(cluster.nodes[0]!.port, ["CLUSTER", "SLOTS"])) as unknown[][];
    const announced = slots.map((range) => {
      const primary = range[2] as [string, number];
      return `${primary[0]}:${primary[1]}`;
    });
    expect(announced.sort()).toEqual(cluster.nodes.map((node) => `127.0.0.1:${node.port}`).sort());
  });

  test("a key is served by its owner and redirected by the others", async () => {
    const replies = await Promise.allSettled(
      cluster.nodes.map((node) => sendCommand(node.port, ["SET", "test-servers:cluster", "1"])),
    );
    expect(replies.filter((reply) => reply.status === "fulfilled")).toHaveLength(1);
    for (const reply of replies) {
      if (reply.status === "rejected") expect(String(reply.reason)).toMatch(/MOVED \d+ 127\.0\.0\.1:\d+/);
    }
  });
});

describe.each(cases)("startCluster(%s) via %s with options", (kind, via) => {
  test("one primary owns every slot; stop closes every port and is idempotent", async () => {
    const cluster = await startCluster(kind, { via, primaries: 1 });
    expect(cluster.nodes).toHaveLength(1);
    expect(String(await sendCommand(cluster.nodes[0]!.port, ["CLUSTER", "INFO"]))).toMatch(/cluster_state:ok/);
    await cluster.stop();
    await cluster.stop();
    for (const node of cluster.nodes) expect(await connectOutcome(node.port)).toBe("ECONNREFUSED");
  });

  test("rejects a primaries count that is not an integer from 1 to 16", async () => {
    await expect(startCluster(kind, { via, primaries: 0 })).rejects.toThrow(/primaries must be an integer from 1 to 16, not 0/);
    await expect(startCluster(kind, { via, primaries: 2.5 })).rejects.toThrow(/not 2.5/);
  });
});
