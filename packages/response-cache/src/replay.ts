import type { HeaderPair } from "./cacheability.js";
import type { CachedResponse } from "./entry.js";

// Hop-by-hop fields describe one connection, not the response: never stored (RFC 9111 §3.1).
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

/** The headers of a response as they are stored: without hop-by-hop fields and the fields `Connection` names. */
export function storedHeaders(headers: readonly HeaderPair[]): HeaderPair[] {
  const dropped = new Set(HOP_BY_HOP);
  for (const [name, value] of headers) {
    if (name.toLowerCase() === "connection") for (const field of value.split(",")) dropped.add(field.trim().toLowerCase());
  }
  return headers.filter(([name]) => !dropped.has(name.toLowerCase()));
}

/**
 * The headers a hit sends: the stored ones in order, `Content-Length` when the stored response
 * had none (so HEAD reports the GET body's length), and `Age`: seconds since it was stored,
 * added to the `Age` it already had.
 */
export function replayHeaders(response: CachedResponse, age: number): HeaderPair[] {
  const headers: HeaderPair[] = [];
  let storedAge = 0;
  let hasLength = false;
  for (const pair of response.headers) {
    const name = pair[0].toLowerCase();
    if (name === "age") {
      storedAge = Number.parseInt(pair[1], 10) || 0;
      continue;
    }
    if (name === "content-length") hasLength = true;
    headers.push(pair);
  }
  if (!hasLength) headers.push(["content-length", String(response.body.byteLength)]);
  headers.push(["age", String(storedAge + age)]);
  return headers;
}
