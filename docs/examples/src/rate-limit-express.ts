/**
 * The rate-limiting example of docs/rate-limiting.md: an Express app with two limits on one
 * registry. Every /api request counts against 5 per minute per client (express-rate-limit with a
 * RateLimitStore); login attempts count against 3 per 15 minutes per user name (a RateLimiter
 * called from the route). Swap the registry's root for a RedisStore and the limits hold across
 * every process and host.
 */
import type { StoreRegistry } from "@stowage/core";
import { RateLimitStore, RateLimiter } from "@stowage/rate-limit";
import express, { type Express } from "express";
import { rateLimit } from "express-rate-limit";

export function createApp(registry: StoreRegistry): Express {
  const app = express();

  app.use(
    "/api",
    rateLimit({
      windowMs: 60_000,
      limit: 5,
      standardHeaders: "draft-6",
      legacyHeaders: false,
      keyGenerator: (request) => request.get("x-api-key") ?? "anonymous",
      store: new RateLimitStore({ registry, prefix: "api" }),
    }),
  );
  app.get("/api/products", (_request, response) => void response.json(["kettle", "teapot"]));

  const logins = new RateLimiter({ registry, limit: 3, window: "15m", prefix: "login" });
  app.post("/login/:user", async (request, response, next) => {
    try {
      const { allowed, remaining, resetAt } = await logins.hit(request.params.user);
      if (!allowed) {
        response.set("Retry-After", String(Math.ceil((resetAt.getTime() - Date.now()) / 1_000)));
        response.status(429).send("too many attempts");
        return;
      }
      response.send(`checking the password (${remaining} attempts left)`);
    } catch (error) {
      next(error); // the store failed: no attempt is let through uncounted
    }
  });

  return app;
}
