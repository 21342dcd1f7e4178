import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createShop } from "./response-cache-app.js";

test("the shop's product list is served from the cache until it changes", async () => {
  const shop = createShop();
  const server = createServer(shop.app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const list = async () => (await (await fetch(`${base}/products`)).json()) as { products: string[] };
    expect(await list()).toEqual({ products: ["kettle"] });
    expect(await list()).toEqual({ products: ["kettle"] });
    expect(shop.listed()).toBe(1);
    expect((await fetch(`${base}/products/teapot`, { method: "POST" })).status).toBe(201);
    expect(await list()).toEqual({ products: ["kettle", "teapot"] });
    expect(shop.listed()).toBe(2);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("docs/response-cache.md shows exactly the code of response-cache-app.ts", () => {
  const page = readFileSync(join(__dirname, "..", "..", "response-cache.md"), "utf8");
  const shown = /<!-- response-cache-app\.ts -->\s*```ts\n([\s\S]*?)```/.exec(page)?.[1];
  expect(shown).toBe(readFileSync(join(__dirname, "response-cache-app.ts"), "utf8"));
});
