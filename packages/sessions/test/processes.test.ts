import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { assertFreshBuilds, startNodeProcess, type NodeProcess } from "@stowage/test-servers";
import { FRAMEWORKS, Browser } from "./apps.js";
import { useBackend, type Backend } from "./backends.js";

const APP = join(__dirname, "fixtures", "app-process.cjs");

// The apps run on the built packages, as an application does: fail loudly on a stale build.
beforeAll(() => assertFreshBuilds(join(__dirname, "..", ".."), ["core", "store-file", "resp-store", "store-redis", "sessions"]));

describe.each(["file", "redis"] as Backend[])("two app processes sharing a %s store", (backend) => {
  const fixture = useBackend(backend);
  const children: NodeProcess[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.stop()));
  });
  /** Starts an app in a separate Node process on the built packages; resolves its URL. */
  const spawnApp = (env: Record<string, string>) => {
    const child = startNodeProcess(APP, { env });
    children.push(child);
    return child.nextLine();
  };

  test.each(FRAMEWORKS)(
    "%s: a session made in one process is seen, and ended, by the other",
    async (framework) => {
      const { path, url } = fixture.location();
      const environment = { FRAMEWORK: framework, BACKEND: backend, STORE_PATH: path ?? "", STORE_URL: url ?? "", NAMESPACE: randomUUID() };
      const [first, second] = await Promise.all([spawnApp(environment), spawnApp(environment)]);
      const inFirst = new Browser(first);
      const login = await inFirst.request("POST", "/login?user=ada");
      expect(login.status).toBe(200);
      const inSecond = new Browser(second);
      inSecond.cookie = inFirst.cookie; // the same browser, sent to the other process by a load balancer
      const answer = await inSecond.request("GET", "/me");
      expect(answer.status).toBe(200);
      expect(answer.body.user).toBe("ada");
      const pid = (body: object) => (body as { pid: number }).pid;
      expect(pid(answer.body)).not.toBe(pid(login.body)); // really two processes
      await inSecond.logout();
      expect(await inFirst.me()).toBeNull();
    },
    30_000,
  );
});
