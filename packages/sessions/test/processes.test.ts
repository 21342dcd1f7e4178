import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { FRAMEWORKS, Browser } from "./apps.js";
import { useBackend, type Backend } from "./backends.js";

/** Starts an app in a separate Node process on the built packages; resolves its URL. */
async function spawnApp(environment: Record<string, string>, children: ChildProcess[]): Promise<string> {
  const child = spawn(process.execPath, [join(__dirname, "fixtures", "app-process.cjs")], {
    env: { ...process.env, ...environment },
    stdio: ["pipe", "pipe", "inherit"],
  });
  children.push(child);
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`app process exited with code ${code} before listening`)));
  });
  return firstLine;
}

/** Ends a child: closing its stdin makes it close its store and exit. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdin!.end();
  return exited;
}

describe.each(["file", "redis"] as Backend[])("two app processes sharing a %s store", (backend) => {
  const fixture = useBackend(backend);
  const children: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map(stop));
  });

  test.each(FRAMEWORKS)(
    "%s: a session made in one process is seen, and ended, by the other",
    async (framework) => {
      const { path, url } = fixture.location();
      const environment = { FRAMEWORK: framework, BACKEND: backend, STORE_PATH: path ?? "", STORE_URL: url ?? "", NAMESPACE: randomUUID() };
      const [first, second] = await Promise.all([spawnApp(environment, children), spawnApp(environment, children)]);
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
