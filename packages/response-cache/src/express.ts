import type { NextFunction, Request, Response } from "express";
import type { HeaderPair } from "./cacheability.js";
import { withControls, type ResponseCacheControls } from "./controls.js";
import type { ResponseCacheOptions } from "./options.js";
import { replayHeaders } from "./replay.js";
import type { CacheRequest } from "./request-key.js";
import { ResponseCache, type Capture, type Lookup } from "./response-cache.js";

/** Options of {@link responseCache}: `key` receives Express's `req`. */
export type ExpressResponseCacheOptions = ResponseCacheOptions<Request>;

/** Express middleware that caches responses, with the cache's invalidation methods. */
export interface ExpressResponseCache extends ResponseCacheControls {
  (req: Request, res: Response, next: NextFunction): void;
}

function requestHeader(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function toCacheRequest(req: Request): CacheRequest {
  return { method: req.method, host: requestHeader(req, "host"), target: req.originalUrl ?? req.url, header: (name) => requestHeader(req, name) };
}

function responseHeaders(res: Response): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  // Node's ServerResponse has getRawHeaderNames (the names as set, in order); @types/node lists it for ClientRequest only.
  for (const name of (res as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames()) {
    const value = res.getHeader(name);
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item]);
    else if (value !== undefined) pairs.push([name, String(value)]);
  }
  return pairs;
}

type RawHeaders = Record<string, string | number | readonly string[]> | ReadonlyArray<string | readonly string[]>;

/** Applies the headers given to `writeHead` as ordinary headers, so the capture sees them. */
function applyHeaders(res: Response, headers: RawHeaders | undefined): void {
  if (headers === undefined) return;
  if (!Array.isArray(headers)) {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value as string | number | string[]);
    return;
  }
  const flat = headers.flat() as string[];
  const seen = new Set<string>();
  for (let index = 0; index + 1 < flat.length; index += 2) {
    const name = flat[index]!;
    if (!seen.has(name.toLowerCase())) res.removeHeader(name);
    seen.add(name.toLowerCase());
    res.appendHeader(name, flat[index + 1]!);
  }
}

/** Collects a miss's status, headers and body as the handler sends them, and hands them to the capture. */
function captureResponse(res: Response, capture: Capture): void {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let collecting: boolean | undefined;
  const decide = () => {
    collecting ??= capture.accepts(res.statusCode, responseHeaders(res));
  };
  const collect = (chunk: unknown, encoding: unknown) => {
    decide();
    if (!collecting || chunk === undefined || chunk === null || typeof chunk === "function") return;
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : Buffer.from(chunk as Uint8Array);
    size += bytes.byteLength;
    if (size > capture.maxBodyBytes) {
      collecting = false;
      chunks.length = 0;
      capture.abandon();
      return;
    }
    chunks.push(bytes);
  };
  const { writeHead, write, end } = res;
  res.writeHead = function (this: Response, status: number, ...rest: unknown[]) {
    const reason = typeof rest[0] === "string" ? rest[0] : undefined;
    applyHeaders(this, (reason === undefined ? rest[0] : rest[1]) as RawHeaders | undefined);
    this.statusCode = status;
    decide();
    return (writeHead as (...args: unknown[]) => Response).call(this, status, ...(reason === undefined ? [] : [reason]));
  } as Response["writeHead"];
  res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
    collect(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Response["write"];
  res.end = function (this: Response, ...args: unknown[]) {
    collect(args[0], args[1]);
    // Completed before the response leaves, so a request arriving after it is a hit.
    if (collecting) capture.complete(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    else capture.abandon();
    return (end as (...args: unknown[]) => Response).apply(this, args);
  } as Response["end"];
  res.once("close", () => capture.abandon());
}

/** Sends a stored response: its status, its headers (a header an earlier middleware already set keeps that value), `Age`, and the body unless HEAD. */
function replay(res: Response, hit: Extract<Lookup, { kind: "hit" }>, head: boolean): void {
  res.statusCode = hit.response.status;
  const headers = replayHeaders(hit.response, hit.age);
  const replayed = new Set<string>();
  // Values of one name are usually stored next to each other: set them together.
  for (let index = 0; index < headers.length; ) {
    const name = headers[index]![0];
    const lower = name.toLowerCase();
    let end = index + 1;
    while (end < headers.length && headers[end]![0].toLowerCase() === lower) end++;
    const value = end === index + 1 ? headers[index]![1] : headers.slice(index, end).map((pair) => pair[1]);
    if (replayed.has(lower)) res.appendHeader(name, value);
    else if (lower === "age" || lower === "content-length" || !res.hasHeader(name)) {
      res.setHeader(name, value);
      replayed.add(lower);
    }
    index = end;
  }
  if (head) res.end();
  else res.end(hit.response.body);
}

/**
 * Express middleware that caches responses in a Stowage store: by default GET and HEAD
 * responses with status 200, keyed by method, host, path and sorted query plus the request
 * headers the response's `Vary` names, never a response that sets a cookie or says `no-store`
 * or `private`, and never for a request with `Authorization`. A hit replays status, headers and
 * body plus `Age`; concurrent misses of one key run the handler once. A failing store is
 * reported to `onError` and the handler answers.
 *
 * Register it before compression, so entries hold what is sent.
 *
 * @throws InvalidArgumentError when an option is invalid.
 */
export function responseCache(options: ExpressResponseCacheOptions): ExpressResponseCache {
  const cache = new ResponseCache<Request>(options);
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    cache.lookup(toCacheRequest(req), req).then((result) => {
      if (result.kind === "hit") return replay(res, result, req.method === "HEAD");
      if (result.kind === "miss") captureResponse(res, result.capture);
      next();
    }).catch(next);
  };
  return withControls(middleware, cache);
}
