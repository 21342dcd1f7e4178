import express, { type Express } from "express";
import { MemoryStore, type Store } from "@stowage/core";
import { responseCache, type ExpressResponseCache } from "@stowage/response-cache";

/** A small shop whose product list is cached for five minutes and dropped when it changes. */
export function createShop(store: Store = new MemoryStore({ maxEntries: 10_000 })): { app: Express; cache: ExpressResponseCache; listed(): number } {
  const products = ["kettle"];
  let listed = 0; // how often the handler really ran

  const cache = responseCache({ store, expiresIn: "5m" });
  const app = express();
  app.use(cache);

  app.get("/products", (req, res) => {
    listed++;
    res.json({ products });
  });

  app.post("/products/:name", async (req, res) => {
    products.push(req.params.name);
    await cache.invalidate(`http://${req.get("host")}/products`);
    res.status(201).end();
  });

  return { app, cache, listed: () => listed };
}
