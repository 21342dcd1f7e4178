import { StoreRegistry } from "@stowage/core";
import { SessionStore } from "@stowage/sessions";
import express from "express";
import session from "express-session";

declare module "express-session" {
  interface SessionData {
    user?: string;
  }
}

/** An express app whose sessions live in `registry.get("sessions")`, whatever its backend. */
export function sessionsApp(registry: StoreRegistry, secret: string): express.Express {
  const app = express();
  app.use(
    session({
      store: new SessionStore({ registry, ttl: "12h" }),
      secret,
      resave: false, // an unchanged session is touched (its expiry moves), never rewritten
      saveUninitialized: false, // a visitor who never logs in costs no write
      cookie: { maxAge: 30 * 60_000, httpOnly: true, sameSite: "lax" },
    }),
  );

  app.post("/login", (req, res, next) => {
    const user = String(req.query.user ?? "");
    if (user === "") return void res.sendStatus(400); // a real app checks credentials here
    // A new session id on login: a session id planted before it (session fixation) is destroyed.
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.user = user;
      res.json({ user });
    });
  });

  app.get("/me", (req, res) => {
    if (req.session.user === undefined) return void res.status(401).json({ user: null });
    res.json({ user: req.session.user });
  });

  app.post("/logout", (req, res, next) => {
    req.session.destroy((error) => (error ? next(error) : res.json({ user: null })));
  });

  return app;
}
