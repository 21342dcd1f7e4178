import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The built package, installed where express-session is not (as in a fastify application):
// both builds load, SessionStore extends a plain EventEmitter, and sessions work.
describe("without express-session installed", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "stowage-sessions-peer-"));
    const scope = join(directory, "node_modules", "@stowage");
    mkdirSync(join(scope, "sessions"), { recursive: true });
    // A copy, not a link: Node would follow a link back into this package and find its dev dependencies.
    cpSync(join(__dirname, "..", "package.json"), join(scope, "sessions", "package.json"));
    cpSync(join(__dirname, "..", "dist"), join(scope, "sessions", "dist"), { recursive: true });
    symlinkSync(join(__dirname, "..", "..", "core"), join(scope, "core"), "dir");
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const script = (load: string) => `${load}
    const store = new SessionStore({ store: new MemoryStore() });
    store.set("sid", { cookie: { expires: new Date(Date.now() + 60000) }, user: "ada" }).then(async () => {
      console.log(JSON.stringify({ base: Object.getPrototypeOf(SessionStore.prototype).constructor.name, user: (await store.get("sid")).user, length: await store.length() }));
    });`;

  test.each([
    ["import", ["--input-type=module", "-e", script(`import { SessionStore } from "@stowage/sessions"; import { MemoryStore } from "@stowage/core";`)]],
    ["require", ["-e", script(`const { SessionStore } = require("@stowage/sessions"); const { MemoryStore } = require("@stowage/core");`)]],
  ])("through %s", (_via, args) => {
    // Without NODE_PATH: pnpm's bin shims point it at the workspace's hoisted packages.
    const { NODE_PATH: _hoisted, ...env } = process.env;
    const result = spawnSync(process.execPath, args, { cwd: directory, env, encoding: "utf8", timeout: 20_000 });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({ base: "EventEmitter", user: "ada", length: 1 });
  });
});
