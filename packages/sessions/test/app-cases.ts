import { randomUUID } from "node:crypto";
import { StoreCorruptionError, StoreRegistry, type NamespacedStore } from "@stowage/core";
import { SessionStore } from "../src/index.js";
import { Browser, sleep, startApp, type AppOptions, type Framework, type RunningApp } from "./apps.js";
import { BACKENDS, useBackend, type Backend } from "./backends.js";

/**
 * The behaviour every framework must show on every backend, through a real app over HTTP on
 * loopback. Each test gets its own namespace of the backend and its own app.
 */
export function describeSessionApp(framework: Framework): void {
  describe.each(BACKENDS)(`${framework} on %s`, (backend: Backend) => {
    const fixture = useBackend(backend);
    const apps: RunningApp[] = [];
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.close()));
    });

    /** A fresh namespace of the backend, a SessionStore on it and an app using it. */
    async function appOn(options: AppOptions = {}, namespace: NamespacedStore = fixture.root().withNamespace(randomUUID())) {
      const store = new SessionStore({ store: namespace });
      const app = await startApp(framework, store, options);
      apps.push(app);
      return { store, namespace, app, browser: new Browser(app.url) };
    }

    test("log in, stay logged in across requests, log out", async () => {
      const { namespace, browser } = await appOn({ maxAge: 60_000 });
      expect(await browser.me()).toBeNull();
      expect(browser.cookie).toBeUndefined(); // saveUninitialized: false writes nothing for a visitor
      await browser.login("ada");
      const id = browser.sessionId;
      for (let request = 0; request < 3; request++) expect(await browser.me()).toBe("ada");
      // The session id reaches the store unchanged, as the key; the cookie's dates round-trip.
      const stored = JSON.parse(Buffer.from((await namespace.get(id))!).toString()) as { user: string; cookie: { originalMaxAge: number; expires: string } };
      expect(stored.user).toBe("ada");
      expect(stored.cookie.originalMaxAge).toBe(60_000);
      expect(new Date(stored.cookie.expires).getTime()).toBeGreaterThan(Date.now());
      const left = (await namespace.expiresIn(id))!;
      expect(left).toBeGreaterThan(50);
      expect(left).toBeLessThanOrEqual(60);
      await browser.logout();
      expect(await namespace.get(id)).toBeNull();
      expect(await browser.me()).toBeNull();
    });

    test("logging in regenerates the session id: an id planted before login is not kept", async () => {
      const { namespace, browser } = await appOn({ maxAge: 60_000 });
      await browser.login("mallory");
      const planted = browser.sessionId;
      const victim = new Browser(browser.url);
      victim.cookie = browser.cookie; // the attacker's cookie, fixed in the victim's browser
      await victim.login("ada");
      expect(victim.sessionId).not.toBe(planted);
      expect(await namespace.get(planted)).toBeNull(); // regenerate() destroyed the old session
      expect(await victim.me()).toBe("ada");
      expect(await browser.me()).toBeNull();
    });

    test("a session that is never modified costs no write (resave: false): only its expiry moves", async () => {
      const namespace = fixture.root().withNamespace(randomUUID());
      const writes: string[] = [];
      // The real store, with its writes counted: every method is the store's own, bound to it.
      const counted = new Proxy(namespace, {
        get(target, property) {
          const value = Reflect.get(target, property, target);
          if (typeof value !== "function") return value;
          const method = value.bind(target);
          return property === "set" ? (...args: unknown[]) => (writes.push("set"), method(...args)) : method;
        },
      });
      const { browser } = await appOn({ maxAge: 60_000 }, counted);
      await browser.login("ada");
      // Logging in writes (express-session once; @fastify/session's regenerate saves, then the reply).
      const afterLogin = writes.length;
      expect(afterLogin).toBeGreaterThan(0);
      const before = await namespace.get(browser.sessionId);
      for (let request = 0; request < 3; request++) expect(await browser.me()).toBe("ada");
      expect(writes.length).toBe(afterLogin);
      expect(await namespace.get(browser.sessionId)).toEqual(before);
    });

    test("a session without cookie expiry lives for the store's ttl", async () => {
      const namespace = fixture.root().withNamespace(randomUUID());
      const store = new SessionStore({ store: namespace, ttl: "90s" });
      const app = await startApp(framework, store, {});
      apps.push(app);
      const browser = new Browser(app.url);
      await browser.login("ada");
      const left = (await namespace.expiresIn(browser.sessionId))!;
      expect(left).toBeGreaterThan(80);
      expect(left).toBeLessThanOrEqual(90);
    });

    // Timing: the cookie lives 2 s. Requests every 400 ms for 5 s keep it alive well past its
    // first expiry; each request has 1.6 s of slack before the session could lapse, far more
    // than a loaded two-core machine needs for one loopback request.
    test(
      "a rolling session is kept alive past its first expiry by requests, then expires when they stop",
      async () => {
        const { namespace, browser } = await appOn({ maxAge: 2_000, rolling: true });
        await browser.login("ada");
        const id = browser.sessionId;
        const until = Date.now() + 5_000;
        while (Date.now() < until) {
          expect(await browser.me()).toBe("ada");
          await sleep(400);
        }
        expect(browser.sessionId).toBe(id);
        // 2 s of cookie life plus 1 s of margin without requests: gone on every read path.
        await sleep(3_000);
        expect(await namespace.get(id)).toBeNull();
        expect(await browser.me()).toBeNull();
      },
      20_000,
    );

    // Timing: a 1 s session, checked 1.5 s later; a store's expiry is exact to the millisecond,
    // so the margin only has to cover the requests themselves.
    test("a session expires with its cookie", async () => {
      const { namespace, browser } = await appOn({ maxAge: 1_000 });
      await browser.login("ada");
      const id = browser.sessionId;
      expect(await browser.me()).toBe("ada");
      await sleep(1_500);
      expect(await namespace.exists(id)).toBe(false);
      expect(await browser.me()).toBeNull();
    });

    test("a request in flight while the session is logged out does not bring it back", async () => {
      const { namespace, app, browser } = await appOn({ maxAge: 60_000 });
      await browser.login("ada");
      const id = browser.sessionId;
      const held = new Browser(browser.url);
      held.cookie = browser.cookie;
      // The held request has loaded the session when its handler starts; the logout destroys it;
      // then the held request ends (express-session touches the session it loaded; connect-redis
      // issue #251 was that touch bringing it back).
      const inFlight = held.request("GET", "/held-me");
      await app.held.started;
      await browser.logout();
      app.held.release();
      expect((await inFlight).status).toBe(200);
      expect(await namespace.exists(id)).toBe(false);
      const stale = new Browser(browser.url);
      stale.cookie = held.cookie;
      expect(await stale.me()).toBeNull();
    });

    test("clear, all, length and ids cover this store's sessions, never a sibling namespace's", async () => {
      const root = fixture.root();
      const registry = new StoreRegistry({ defaultFactory: (name) => root.withNamespace(`${name}-${randomUUID()}`) });
      const mine = await appOn({ maxAge: 60_000 }, registry.get("sessions") as NamespacedStore);
      const sibling = await appOn({ maxAge: 60_000 }, registry.get("sessions2") as NamespacedStore);
      const myStore = new SessionStore({ registry });
      expect(myStore.store).toBe(mine.namespace); // resolved once, by the default name
      const mineBrowsers = [mine.browser, new Browser(mine.app.url), new Browser(mine.app.url)];
      for (const [index, browser] of mineBrowsers.entries()) await browser.login(`user${index}`);
      await sibling.browser.login("neighbour");

      expect(await myStore.length()).toBe(3);
      expect((await myStore.ids()).sort()).toEqual(mineBrowsers.map((browser) => browser.sessionId).sort());
      const all = await myStore.all();
      expect(Object.keys(all).sort()).toEqual(mineBrowsers.map((browser) => browser.sessionId).sort());
      expect(Object.values(all).map((session) => session.user).sort()).toEqual(["user0", "user1", "user2"]);

      await new Promise<void>((resolve, reject) => myStore.clear((error) => (error ? reject(error) : resolve())));
      expect(await myStore.length()).toBe(0);
      for (const browser of mineBrowsers) expect(await browser.me()).toBeNull();
      expect(await sibling.browser.me()).toBe("neighbour");
      expect(await sibling.store.length()).toBe(1);
      await registry.close();
    });

    test("a stored entry that is not valid JSON gives the app's error handler a StoreCorruptionError (500), not a crash", async () => {
      const { namespace, app, browser } = await appOn({ maxAge: 60_000 });
      await browser.login("ada");
      await namespace.set(browser.sessionId, "{ not json", { expiresIn: "1m" });
      const { status, body } = await browser.request("GET", "/me");
      expect(status).toBe(500);
      expect(body.error).toBe("StoreCorruptionError");
      expect(StoreCorruptionError.isInstance(app.errors.at(-1))).toBe(true);
      expect((app.errors.at(-1) as StoreCorruptionError).key).toBe(browser.sessionId);
    });
  });
}
