/** The parts of an HTTP request the cache reads, whatever the framework. */
export interface CacheRequest {
  /** The method as sent, for example `GET`. */
  readonly method: string;
  /** The `Host` header as sent, or `undefined` when the request has none. */
  readonly host: string | undefined;
  /** The request target as sent: path and query (`/a?b=1`), or an absolute URL. */
  readonly target: string;
  /** A request header by lowercase name (several values joined by `, `), or `undefined` when absent. */
  header(name: string): string | undefined;
}

/** A request target split into its parts, nothing decoded or normalised. */
export interface TargetParts {
  /** The host of an absolute URL (`example.com:8080`), lowercased; `undefined` for a path. */
  authority: string | undefined;
  /** The path as sent, `/` when empty. */
  path: string;
  /** The query without `?`, `""` when there is none. */
  query: string;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

/** Splits a request target (origin-form `/a?b=1`, or an absolute URL) into authority, path and query. */
export function splitTarget(target: string): TargetParts {
  let rest = target;
  let authority: string | undefined;
  const scheme = SCHEME.exec(rest);
  if (scheme) {
    rest = rest.slice(scheme[0].length);
    const end = rest.search(/[/?#]/);
    authority = (end === -1 ? rest : rest.slice(0, end)).replace(/^.*@/, "").toLowerCase();
    rest = end === -1 ? "" : rest.slice(end);
  }
  const hash = rest.indexOf("#");
  if (hash !== -1) rest = rest.slice(0, hash);
  const question = rest.indexOf("?");
  const path = question === -1 ? rest : rest.slice(0, question);
  return { authority, path: path === "" ? "/" : path, query: question === -1 ? "" : rest.slice(question + 1) };
}

function parameterName(piece: string): string {
  const equals = piece.indexOf("=");
  return equals === -1 ? piece : piece.slice(0, equals);
}

/**
 * The query's `name=value` pieces as sent, sorted by name. The sort is stable, so the order of
 * repeated names (`a=1&a=2`, which an application may read as a list) is kept; empty pieces are
 * dropped.
 */
export function sortedQuery(query: string): string[] {
  if (query === "") return [];
  const pieces = query.split("&").filter((piece) => piece !== "");
  let sorted = true;
  for (let index = 1; sorted && index < pieces.length; index++) sorted = parameterName(pieces[index - 1]!) <= parameterName(pieces[index]!);
  if (sorted) return pieces;
  return pieces
    .map((piece) => ({ piece, name: parameterName(piece) }))
    .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0))
    .map(({ piece }) => piece);
}

/**
 * The default key of a request: a JSON array of method, host (lowercased, `null` when absent),
 * path and sorted query pieces. JSON quotes every part, so no two different requests share a
 * key (`/a?b=1` and `/ab=1` differ in the path part).
 */
export function defaultKey(method: string, host: string | undefined, target: string): string {
  const parts = splitTarget(target);
  const authority = host === undefined ? (parts.authority ?? null) : host.toLowerCase();
  return JSON.stringify([method, authority, parts.path, sortedQuery(parts.query)]);
}

/** The key of a key function's result: a one-element JSON array, so it never equals a default key. */
export function customKey(key: string): string {
  return JSON.stringify([key]);
}

/**
 * The key of one variant of a response that varies on request headers: the URL's key, the
 * token of its vary record and the request's values of the named headers (`null` when absent).
 * A key from {@link defaultKey} or {@link customKey} ends with `]` and holds no raw newline, so
 * the newlines keep these apart from every other key.
 */
export function variantKey(baseKey: string, token: string, values: readonly (string | null)[]): string {
  return `${baseKey}\n${token}\n${JSON.stringify(values)}`;
}

/** The key of the cross-process lock that guards the computation of `key`. */
export function lockKey(key: string): string {
  return `${key}\nlock`;
}

/** The request's values of `names` (lowercase header names), `null` for a header it lacks. */
export function headerValues(request: CacheRequest, names: readonly string[]): Array<string | null> {
  return names.map((name) => request.header(name) ?? null);
}
