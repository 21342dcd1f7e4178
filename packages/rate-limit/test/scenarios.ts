import { randomUUID } from "node:crypto";
import type { RateLimitStore } from "../src/index.js";
import { eventually, get, sleep } from "./http.js";

/** The rate-limit headers a framework sends. */
export interface HeaderNames {
  limit: string;
  remaining: string;
  reset: string;
}

/** IETF draft-6 headers (express-rate-limit and hono-rate-limiter with `standardHeaders: "draft-6"`). */
export const DRAFT_6: HeaderNames = { limit: "ratelimit-limit", remaining: "ratelimit-remaining", reset: "ratelimit-reset" };
/** @fastify/rate-limit's headers. */
export const FASTIFY: HeaderNames = { limit: "x-ratelimit-limit", remaining: "x-ratelimit-remaining", reset: "x-ratelimit-reset" };

/** A fresh client: its id and the header that carries it (every app keys on `x-client`). */
export function newClient(): { id: string; headers: Record<string, string> } {
  const id = randomUUID();
  return { id, headers: { "x-client": id } };
}

/**
 * Requests `paths` in turn (each allowed) and checks that the headers count down from `limit`
 * within a 60 s window, then that one more request gets a 429 and another client still passes.
 */
export async function expectCountdown(url: string, client: Record<string, string>, limit: number, names: HeaderNames, paths: readonly string[]): Promise<void> {
  for (const [index, path] of paths.entries()) {
    const response = await get(`${url}${path}`, client);
    expect(response.status).toBe(200);
    expect(response.headers[names.limit]).toBe(String(limit));
    expect(response.headers[names.remaining]).toBe(String(limit - index - 1));
    const reset = Number(response.headers[names.reset]);
    expect(reset).toBeGreaterThan(50);
    expect(reset).toBeLessThanOrEqual(60);
  }
  const denied = await get(`${url}${paths[0]}`, client);
  expect(denied.status).toBe(429);
  expect(denied.headers[names.remaining]).toBe("0");
  expect((await get(`${url}${paths[0]}`, newClient().headers)).status).toBe(200);
}

/**
 * On an app limited to 1 request per 2 s window: the second request is denied, and one after
 * the window is allowed. The second request follows the first by milliseconds; the third waits
 * the whole window plus a second of margin for a loaded machine.
 */
export async function expectWindowEnds(url: string, names: HeaderNames): Promise<void> {
  const { headers } = newClient();
  const started = Date.now();
  expect((await get(`${url}/ok`, headers)).status).toBe(200);
  expect((await get(`${url}/ok`, headers)).status).toBe(429);
  expect(Date.now() - started).toBeLessThan(2_000);
  await sleep(3_000 - (Date.now() - started));
  const after = await get(`${url}/ok`, headers);
  expect(after.status).toBe(200);
  expect(after.headers[names.remaining]).toBe("0");
}

/**
 * On an app limited to 2 requests per minute with `skipSuccessfulRequests`: successful requests
 * are taken back (`decrement`), failed ones (`/bad`, 400) count, and the third counted request
 * gets a 429. Resolves the client's id.
 */
export async function expectSuccessfulRequestsSkipped(url: string, store: RateLimitStore): Promise<string> {
  const { id, headers } = newClient();
  for (let i = 0; i < 4; i++) {
    const response = await get(`${url}/ok`, headers);
    expect(response.status).toBe(200);
    expect(response.headers[DRAFT_6.remaining]).toBe("1");
    // A decrement may run after the response is sent: wait for it before the next request.
    await eventually(async () => expect((await store.get(id))?.totalHits).toBe(0));
  }
  expect((await get(`${url}/bad`, headers)).status).toBe(400);
  expect((await get(`${url}/bad`, headers)).status).toBe(400);
  expect((await get(`${url}/ok`, headers)).status).toBe(429);
  return id;
}

/** `decrement` after the window of 300 ms ended, and of an unknown key, create nothing. */
export async function expectLateDecrementCreatesNothing(store: RateLimitStore): Promise<void> {
  const { id } = newClient();
  await store.increment(id);
  await sleep(600); // well past the 300 ms window
  await store.decrement(id);
  await store.decrement(randomUUID());
  expect(await store.get(id)).toBeUndefined();
  expect((await store.increment(id)).totalHits).toBe(1);
}
