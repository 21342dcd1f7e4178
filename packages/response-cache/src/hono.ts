import type { Context, MiddlewareHandler } from "hono";
import type { HeaderPair } from "./cacheability.js";
import { withControls, type ResponseCacheControls } from "./controls.js";
import type { ResponseCacheOptions } from "./options.js";
import { replayHeaders } from "./replay.js";
import type { CacheRequest } from "./request-key.js";
import { ResponseCache, type Capture } from "./response-cache.js";

/** Options of {@link honoResponseCache}: `key` receives Hono's `Context`. */
export type HonoResponseCacheOptions = ResponseCacheOptions<Context>;

/** Hono middleware that caches responses, with the cache's invalidation methods. */
export type HonoResponseCache = MiddlewareHandler & ResponseCacheControls;

function toCacheRequest(c: Context): CacheRequest {
  return { method: c.req.method, host: c.req.header("host"), target: c.req.url, header: (name) => c.req.header(name) };
}

/** Reads the body of a copy of the response in the background (the client gets the original as it streams) and hands it to the capture. */
async function captureBody(response: Response, capture: Capture): Promise<void> {
  const headers: HeaderPair[] = [...response.headers];
  if (!capture.accepts(response.status, headers)) return;
  const body = response.clone().body;
  if (body === null) return capture.complete(new Uint8Array(0));
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      if (size > capture.maxBodyBytes) {
        await reader.cancel();
        return capture.abandon();
      }
      chunks.push(read.value);
    }
  } catch {
    // The body failed or the client went away: a response we did not see whole is not stored.
    return capture.abandon();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  capture.complete(bytes);
}

/**
 * Hono middleware that caches responses in a Stowage store, with the same rules as the Express
 * `responseCache`: GET and HEAD responses with status 200 by default, keyed by method, host,
 * path, sorted query and the request headers `Vary` names; never a response with `Set-Cookie`,
 * `no-store` or `private`, nor for a request with `Authorization`. A hit replays status,
 * headers and body plus `Age` (headers set by earlier middleware keep their values); concurrent
 * misses of one key run the handler once. A failing store is reported to `onError` and the
 * handler answers.
 *
 * @throws InvalidArgumentError when an option is invalid.
 */
export function honoResponseCache(options: HonoResponseCacheOptions): HonoResponseCache {
  const cache = new ResponseCache<Context>(options);
  const middleware: MiddlewareHandler = async (c, next) => {
    const result = await cache.lookup(toCacheRequest(c), c);
    if (result.kind === "hit") {
      const headers = new Headers();
      for (const [name, value] of replayHeaders(result.response, result.age)) headers.append(name, value);
      const body = c.req.method === "HEAD" ? null : result.response.body;
      // Reading c.res first makes Hono merge the headers earlier middleware set into the replayed response.
      void c.res;
      c.res = new Response(body as ConstructorParameters<typeof Response>[0], { status: result.response.status, headers });
      return;
    }
    try {
      await next();
    } catch (error) {
      if (result.kind === "miss") result.capture.abandon();
      throw error;
    }
    if (result.kind === "miss") captureBody(c.res, result.capture).catch(() => result.capture.abandon());
  };
  return withControls(middleware, cache);
}
