import type { Store } from "@stowage/core";
import type { ResponseCacheErrorContext } from "../src/index.js";
import { startApp, type Framework, type TestApp, type TestCacheOptions, type TestHandler } from "./apps.js";
import { closeConnections, send } from "./http-client.js";

/** A backend under test: a fresh, empty store per test, and a store that fails every operation. */
export interface Backend {
  name: string;
  create(): Promise<Store>;
  /** A store whose operations all fail (closed, unreachable or unwritable); `bound` is how long a failure may take. */
  unavailable(): Promise<{ store: Store; boundMs: number; restore?(): Promise<void> }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (body: string) => (): ReturnType<TestHandler> => ({ body, headers: [["content-type", "text/plain"]] });

/** Every response-cache behaviour through `framework` over real HTTP, on `backend`. */
export function describeResponseCache(framework: Framework, backend: Backend): void {
  describe(`${framework} over ${backend.name}`, () => {
    const opened: Array<{ app: TestApp; store: Store }> = [];

    async function app(handler: TestHandler, options: Omit<TestCacheOptions, "store"> = {}): Promise<TestApp> {
      const store = await backend.create();
      const started = await startApp(framework, { store, onError: (error) => { throw error; }, ...options }, handler);
      opened.push({ app: started, store });
      return started;
    }

    afterEach(async () => {
      for (const { app: running, store } of opened.splice(0)) {
        await running.close();
        await store.close();
      }
    });
    afterAll(() => closeConnections());

    test("a second request is answered from the cache: the handler runs once", async () => {
      const running = await app(text("hello"));
      const first = await send(running.port, "/page");
      const second = await send(running.port, "/page");
      expect(running.callsTo("/page")).toBe(1);
      expect([first.status, first.text, second.status, second.text]).toEqual([200, "hello", 200, "hello"]);
      expect(second.headers["content-type"]).toBe(first.headers["content-type"]);
      expect(second.headers.age).toMatch(/^\d+$/);
    });

    test("a hit replays status, headers (repeated ones too) and a binary body byte for byte", async () => {
      const body = new Uint8Array(70_000);
      for (let index = 0; index < body.length; index++) body[index] = (index * 7919) % 256;
      const running = await app(() => ({
        status: 200,
        body,
        headers: [["content-type", "application/octet-stream"], ["x-custom", "a\u00e9b"], ["link", "</a>; rel=preload"], ["link", "</b>; rel=preload"], ["etag", '"v1"']],
      }));
      const first = await send(running.port, "/blob");
      const second = await send(running.port, "/blob");
      expect(running.callsTo("/blob")).toBe(1);
      expect(Buffer.compare(first.body, Buffer.from(body))).toBe(0);
      expect(Buffer.compare(second.body, Buffer.from(body))).toBe(0);
      for (const name of ["content-type", "x-custom", "link", "etag", "content-length"]) expect([name, second.headers[name]]).toEqual([name, first.headers[name]]);
      expect(second.headers.age).toBe("0");
    });

    test("a header an earlier middleware sets keeps its fresh value on a hit", async () => {
      const running = await app(text("x"));
      const first = await send(running.port, "/fresh");
      const second = await send(running.port, "/fresh");
      expect(running.callsTo("/fresh")).toBe(1);
      expect([first.headers["x-request-number"], second.headers["x-request-number"]]).toEqual(["1", "2"]);
    });

    test("an entry expires after expiresIn", async () => {
      const running = await app(text("x"), { expiresIn: "300ms" });
      await send(running.port, "/e");
      await send(running.port, "/e");
      expect(running.callsTo("/e")).toBe(1);
      // 300 ms entry, checked after 800 ms: a wide margin for a loaded machine, still short.
      await sleep(800);
      await send(running.port, "/e");
      expect(running.callsTo("/e")).toBe(2);
    });

    test("keys never mix /a?b=1 and /ab=1, and sort the query by name", async () => {
      const running = await app((request) => ({ body: request.path }));
      await send(running.port, "/a?b=1");
      await send(running.port, "/ab=1");
      expect([running.callsTo("/a"), running.callsTo("/ab=1")]).toEqual([1, 1]);
      await send(running.port, "/q?x=1&y=2");
      await send(running.port, "/q?y=2&x=1");
      expect(running.callsTo("/q")).toBe(1);
      // The order of a repeated name is kept: an application may read it as a list.
      await send(running.port, "/q?x=1&x=2");
      await send(running.port, "/q?x=2&x=1");
      expect(running.callsTo("/q")).toBe(3);
      // A separator inside a value is not a separator.
      await send(running.port, "/s?a=1%26b%3D2");
      await send(running.port, "/s?a=1&b=2");
      expect(running.callsTo("/s")).toBe(2);
    });

    test("keys include the host", async () => {
      const running = await app((request) => ({ body: request.header("host") ?? "" }));
      const first = await send(running.port, "/h", { headers: { host: "one.example" } });
      const second = await send(running.port, "/h", { headers: { host: "two.example" } });
      const again = await send(running.port, "/h", { headers: { host: "ONE.example" } });
      expect([first.text, second.text, again.text]).toEqual(["one.example", "two.example", "one.example"]);
      expect(running.callsTo("/h")).toBe(2);
    });

    test("responses vary on the request headers Vary names", async () => {
      const running = await app((request) => ({ body: `lang=${request.header("accept-language") ?? "none"}`, headers: [["vary", "Accept-Language"]] }));
      const ask = async (language?: string) => (await send(running.port, "/v", { headers: language ? { "accept-language": language } : {} })).text;
      expect(await ask("en")).toBe("lang=en");
      expect(await ask("fr")).toBe("lang=fr");
      expect(await ask()).toBe("lang=none");
      expect(running.callsTo("/v")).toBe(3);
      expect([await ask("en"), await ask("fr"), await ask()]).toEqual(["lang=en", "lang=fr", "lang=none"]);
      expect(running.callsTo("/v")).toBe(3);
    });

    test("concurrent misses with different Vary values each get their own response", async () => {
      const running = await app((request) => ({ body: `lang=${request.header("accept-language")}`, headers: [["vary", "accept-language"]], delayMs: 100 }));
      const languages = ["en", "fr", "en", "de", "fr", "en"];
      const replies = await Promise.all(languages.map((language) => send(running.port, "/cv", { headers: { "accept-language": language } })));
      expect(replies.map((reply) => reply.text)).toEqual(languages.map((language) => `lang=${language}`));
      expect(running.callsTo("/cv")).toBe(3);
    });

    test.each([
      ["Vary: *", { headers: [["vary", "*"]] }],
      ["Set-Cookie", { headers: [["set-cookie", "sid=1; HttpOnly"]] }],
      ["Cache-Control: no-store", { headers: [["cache-control", "no-store"]] }],
      ["Cache-Control: no-cache", { headers: [["cache-control", "no-cache"]] }],
      ["Cache-Control: private", { headers: [["cache-control", "private, max-age=60"]] }],
      ["status 404", { status: 404 }],
      ["status 500", { status: 500 }],
      ["status 201", { status: 201 }],
    ] as Array<[string, ReturnType<TestHandler>]>)("never cached: a response with %s", async (_label, reply) => {
      const running = await app(() => ({ body: "x", ...reply }));
      await send(running.port, "/n");
      await send(running.port, "/n");
      expect(running.callsTo("/n")).toBe(2);
    });

    test("never cached: POST, and concurrent uncacheable misses each run the handler", async () => {
      const running = await app(() => ({ body: "x", headers: [["set-cookie", "sid=secret"]], delayMs: 50 }));
      await send(running.port, "/p", { method: "POST" });
      await send(running.port, "/p", { method: "POST" });
      expect(running.callsTo("/p")).toBe(2);
      const replies = await Promise.all([1, 2, 3].map(() => send(running.port, "/c")));
      expect(replies.every((reply) => reply.headers["set-cookie"]?.[0] === "sid=secret")).toBe(true);
      expect(running.callsTo("/c")).toBe(3);
    });

    test("a request with Authorization is neither answered from the cache nor stored", async () => {
      const running = await app((request) => ({ body: request.header("authorization") ?? "anonymous" }));
      expect((await send(running.port, "/me", { headers: { authorization: "Bearer a" } })).text).toBe("Bearer a");
      expect((await send(running.port, "/me")).text).toBe("anonymous");
      expect((await send(running.port, "/me", { headers: { authorization: "Bearer b" } })).text).toBe("Bearer b");
      expect((await send(running.port, "/me")).text).toBe("anonymous");
      expect(running.callsTo("/me")).toBe(3);
    });

    test("opt-ins: cacheAuthorized, cacheSetCookie, statuses", async () => {
      const running = await app((request) => ({ body: "x", status: request.path === "/missing" ? 404 : 200, headers: request.path === "/cookie" ? [["set-cookie", "a=1"]] : [] }), {
        cacheAuthorized: true,
        cacheSetCookie: true,
        statuses: [200, 404],
      });
      for (const path of ["/auth", "/cookie", "/missing"]) {
        await send(running.port, path, { headers: { authorization: "Bearer a" } });
        await send(running.port, path, { headers: { authorization: "Bearer a" } });
        expect([path, running.callsTo(path)]).toEqual([path, 1]);
      }
      expect((await send(running.port, "/cookie")).headers["set-cookie"]).toEqual(["a=1"]);
      expect((await send(running.port, "/missing")).status).toBe(404);
    });

    test("HEAD is answered from the GET entry without a body, and never stores one", async () => {
      const running = await app(text("twelve bytes"));
      const cold = await send(running.port, "/head", { method: "HEAD" });
      expect([cold.status, cold.body.length]).toEqual([200, 0]);
      const get = await send(running.port, "/head");
      expect(running.callsTo("/head")).toBe(2);
      const head = await send(running.port, "/head", { method: "HEAD" });
      expect(running.callsTo("/head")).toBe(2);
      expect([head.status, head.body.length, head.headers["content-length"], head.headers["content-type"]]).toEqual([200, 0, "12", get.headers["content-type"]]);
    });

    test("50 concurrent cold requests run the handler once and all get its response", async () => {
      let served = 0;
      // The handler holds the first response for 300 ms so every request arrives while it is in flight.
      const running = await app(() => ({ body: `response ${++served}`, delayMs: 300 }));
      const replies = await Promise.all(Array.from({ length: 50 }, () => send(running.port, "/stampede?q=1")));
      expect(running.callsTo("/stampede")).toBe(1);
      expect(new Set(replies.map((reply) => `${reply.status} ${reply.text}`))).toEqual(new Set(["200 response 1"]));
    }, 20_000);

    test("invalidate drops one URL (every variant); deleteAll drops everything", async () => {
      const running = await app((request) => ({ body: request.path, headers: request.path === "/v" ? [["vary", "accept-language"]] : [] }));
      const host = { host: "shop.example" };
      for (const path of ["/a?x=1", "/b", "/v"]) await send(running.port, path, { headers: host });
      await send(running.port, "/v", { headers: { ...host, "accept-language": "fr" } });
      await running.invalidate("http://shop.example/a?x=1");
      await running.invalidate("https://shop.example/v");
      for (const path of ["/a?x=1", "/b", "/v"]) await send(running.port, path, { headers: host });
      await send(running.port, "/v", { headers: { ...host, "accept-language": "fr" } });
      expect([running.callsTo("/a"), running.callsTo("/b"), running.callsTo("/v")]).toEqual([2, 1, 4]);
      await running.deleteAll();
      await send(running.port, "/b", { headers: host });
      expect(running.callsTo("/b")).toBe(2);
    });

    test("a key option replaces the default key; invalidateKey drops it", async () => {
      const running = await app((request) => ({ body: request.path }), { key: (request) => request.path });
      await send(running.port, "/k?page=1");
      await send(running.port, "/k?page=2");
      expect(running.callsTo("/k")).toBe(1);
      await running.invalidateKey("/k");
      await send(running.port, "/k");
      expect(running.callsTo("/k")).toBe(2);
    });

    test("an unavailable store: the handler answers within the store's bound and onError hears of it", async () => {
      const { store, boundMs, restore } = await backend.unavailable();
      const errors: Array<[unknown, ResponseCacheErrorContext]> = [];
      const running = await startApp(framework, { store, onError: (error, context) => errors.push([error, context]) }, text("fresh"));
      try {
        const started = performance.now();
        const replies = [await send(running.port, "/down"), await send(running.port, "/down")];
        // Not a speed check: the requests must not hang past the failing store's bound. The 10 s
        // allowance covers a loaded CI machine; a hang would take the test's whole timeout.
        expect(performance.now() - started).toBeLessThan(2 * boundMs + 10_000);
        expect(replies.map((reply) => `${reply.status} ${reply.text}`)).toEqual(["200 fresh", "200 fresh"]);
        expect(running.callsTo("/down")).toBe(2);
        expect(errors.length).toBeGreaterThanOrEqual(2);
        expect(errors[0]![1].operation).toBe("read");
        expect(errors[0]![0]).toBeInstanceOf(Error);
      } finally {
        await running.close();
        await restore?.();
      }
    }, 20_000);
  });
}
