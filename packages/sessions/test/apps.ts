import { createServer } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import fastifyCookie from "@fastify/cookie";
import fastifySession from "@fastify/session";
import express from "express";
import session from "express-session";
import fastify from "fastify";
import { closeHttpServer, listenOnLoopback } from "@stowage/test-servers";
import type { SessionStore } from "../src/index.js";

export { sleep };

/** Which framework an app runs on. */
export type Framework = "express" | "fastify";
export const FRAMEWORKS: readonly Framework[] = ["express", "fastify"];

/** How the app's session middleware is configured. */
export interface AppOptions {
  /** The cookie's maxAge in ms; left out, a browser-session cookie (the store's `ttl` applies). */
  maxAge?: number;
  /** Re-send the cookie (express) / save the session (fastify) on every response. Default false. */
  rolling?: boolean;
}

/** A gate for `GET /held-me`: `started` resolves once its handler runs; it answers after `release()`. */
export interface Held {
  started: Promise<void>;
  release(): void;
}

function holdGate(): Held & { reached(): Promise<void> } {
  let arrive!: () => void;
  let release!: () => void;
  const started = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return { started, release, reached: () => (arrive(), released) };
}

/** A running app on 127.0.0.1 and the errors its handlers saw. */
export interface RunningApp {
  url: string;
  /** The gate of `GET /held-me` (one request). */
  held: Held;
  /** The errors the framework's error handler received, in order. */
  errors: unknown[];
  close(): Promise<void>;
}

// Both frameworks require a secret of at least 32 characters (@fastify/session checks it).
const SECRET = "a test secret that is at least thirty-two characters long";

/**
 * The same small app on either framework:
 * - `POST /login?user=NAME` regenerates the session (a fresh id: no fixation) and stores the user;
 * - `GET /me` answers `{ user }` or 401, and leaves the session unmodified;
 * - `GET /held-me` answers like `/me` once the test calls `held.release()` (a request in flight,
 *   its session loaded, while another request logs out);
 * - `POST /logout` destroys the session.
 * Errors reach the framework's error handler, which records them and answers 500 with the name.
 */
export function startApp(framework: Framework, store: SessionStore, options: AppOptions = {}): Promise<RunningApp> {
  return framework === "express" ? startExpress(store, options) : startFastify(store, options);
}

async function startExpress(store: SessionStore, options: AppOptions): Promise<RunningApp> {
  const errors: unknown[] = [];
  const held = holdGate();
  const app = express();
  app.use(
    session({
      store,
      secret: SECRET,
      resave: false,
      saveUninitialized: false,
      rolling: options.rolling ?? false,
      cookie: { maxAge: options.maxAge },
    }),
  );
  const me = (request: express.Request, response: express.Response) => {
    const user = (request.session as unknown as { user?: string }).user;
    if (user === undefined) response.status(401).json({ user: null });
    else response.json({ user });
  };
  app.post("/login", (request, response, next) => {
    request.session.regenerate((error) => {
      if (error) return next(error);
      (request.session as unknown as { user?: string }).user = String(request.query.user);
      response.json({ user: request.query.user });
    });
  });
  app.get("/me", me);
  app.get("/held-me", async (request, response) => {
    await held.reached();
    me(request, response);
  });
  app.post("/logout", (request, response, next) => {
    request.session.destroy((error) => (error ? next(error) : response.json({ user: null })));
  });
  app.use((error: unknown, _request: express.Request, response: express.Response, _next: express.NextFunction) => {
    errors.push(error);
    response.status(500).json({ error: (error as Error).name });
  });
  const server = createServer(app);
  return { url: `http://127.0.0.1:${await listenOnLoopback(server)}`, errors, held, close: () => closeHttpServer(server) };
}

async function startFastify(store: SessionStore, options: AppOptions): Promise<RunningApp> {
  const errors: unknown[] = [];
  const held = holdGate();
  const app = fastify();
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    store,
    secret: SECRET,
    saveUninitialized: false,
    rolling: options.rolling ?? false,
    cookie: { secure: false, maxAge: options.maxAge },
  });
  const me = (request: { session: { get(key: string): unknown } }) => {
    const user = request.session.get("user");
    return user === undefined ? { status: 401, body: { user: null } } : { status: 200, body: { user } };
  };
  app.post("/login", async (request) => {
    await request.session.regenerate();
    const user = String((request.query as { user: string }).user);
    request.session.set("user" as never, user as never);
    return { user };
  });
  app.get("/me", async (request, reply) => {
    const { status, body } = me(request as never);
    return reply.status(status).send(body);
  });
  app.get("/held-me", async (request, reply) => {
    await held.reached();
    const { status, body } = me(request as never);
    return reply.status(status).send(body);
  });
  app.post("/logout", async (request) => {
    await request.session.destroy();
    return { user: null };
  });
  app.setErrorHandler((error, _request, reply) => {
    errors.push(error);
    void reply.status(500).send({ error: (error as Error).name });
  });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, errors, held, close: () => app.close() };
}

/** An HTTP client with a one-cookie jar, as a browser would keep the session cookie. */
export class Browser {
  cookie: string | undefined;

  constructor(public url: string) {}

  /** Sends a request; keeps (or clears) the session cookie the response sets. */
  async request(method: "GET" | "POST", path: string): Promise<{ status: number; body: { user?: string | null; error?: string } }> {
    const response = await fetch(this.url + path, { method, headers: this.cookie ? { cookie: this.cookie } : {} });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";")[0]!;
      // A cleared cookie comes back empty or already expired.
      this.cookie = pair.endsWith("=") || /expires=Thu, 01 Jan 1970/i.test(line) ? undefined : pair;
    }
    return { status: response.status, body: (await response.json()) as { user?: string | null; error?: string } };
  }

  /** Who the app says is logged in (`null` on 401). */
  async me(): Promise<string | null> {
    const { status, body } = await this.request("GET", "/me");
    if (status !== 200 && status !== 401) throw new Error(`GET /me answered ${status}: ${JSON.stringify(body)}`);
    return body.user ?? null;
  }

  async login(user: string): Promise<void> {
    const { status, body } = await this.request("POST", `/login?user=${encodeURIComponent(user)}`);
    if (status !== 200) throw new Error(`POST /login answered ${status}: ${JSON.stringify(body)}`);
  }

  async logout(): Promise<void> {
    const { status, body } = await this.request("POST", "/logout");
    if (status !== 200) throw new Error(`POST /logout answered ${status}: ${JSON.stringify(body)}`);
  }

  /** The session id the cookie carries (unsigned: both frameworks sign it as `s:<id>.<mac>` or `<id>.<mac>`). */
  get sessionId(): string {
    if (!this.cookie) throw new Error("no session cookie");
    const value = decodeURIComponent(this.cookie.slice(this.cookie.indexOf("=") + 1));
    return value.replace(/^s:/, "").replace(/\.[^.]*$/, "");
  }
}
