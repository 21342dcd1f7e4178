import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { MemoryStore, StoreRegistry } from "@stowage/core";
import { sessionsApp } from "./sessions-app.js";

test("the sessions example logs in, stays logged in, and logs out, over HTTP", async () => {
  const registry = new StoreRegistry({ root: new MemoryStore() });
  const server = sessionsApp(registry, "an example secret, at least 32 characters").listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const login = await fetch(`${url}/login?user=ada`, { method: "POST" });
    const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    const me = () => fetch(`${url}/me`, { headers: { cookie } }).then((response) => response.json());
    expect(await me()).toEqual({ user: "ada" });
    expect(await registry.get("sessions").expiresIn(decodeURIComponent(cookie).replace(/^[^=]+=s:/, "").replace(/\.[^.]*$/, ""))).toBeGreaterThan(1_700);
    await fetch(`${url}/logout`, { method: "POST", headers: { cookie } });
    expect(await me()).toEqual({ user: null });
  } finally {
    server.close();
    await registry.close();
  }
});

test("docs/sessions.md shows exactly the code of sessions-app.ts", () => {
  const page = readFileSync(join(__dirname, "..", "..", "sessions.md"), "utf8");
  const shown = /<!-- sessions-app\.ts -->\s*```ts\n([\s\S]*?)```/.exec(page)?.[1];
  expect(shown).toBe(readFileSync(join(__dirname, "sessions-app.ts"), "utf8"));
});
