/** A response header as sent: name (any case) and one value. A header sent twice is two pairs. */
export type HeaderPair = readonly [name: string, value: string];

/** What the cache stores unless told otherwise; each flag opts in to one thing it refuses by default. */
export interface CacheabilityRules {
  /** Statuses that may be stored. */
  readonly statuses: ReadonlySet<number>;
  /** Store responses that set a cookie (the cookie is then replayed to every client). */
  readonly cacheSetCookie: boolean;
  /** Store responses marked `Cache-Control: private`. */
  readonly cachePrivate: boolean;
  /** Store responses marked `Cache-Control: no-store` or `no-cache`. */
  readonly cacheNoStore: boolean;
}

/** Why a response is not stored. */
export type Refusal = "status" | "vary-star" | "set-cookie" | "no-store" | "private";

/** The verdict on one response: stored with the request headers it varies on, or refused and why. */
export type Cacheability = { storable: true; vary: string[] } | { storable: false; reason: Refusal };

/** Every value of the header `name` (lowercase), in order. */
function values(headers: readonly HeaderPair[], name: string): string[] {
  return headers.filter(([header]) => header.toLowerCase() === name).map(([, value]) => value);
}

/** The directive names of `Cache-Control` values, lowercased (`private="x"` counts as `private`). */
function directives(headers: readonly HeaderPair[]): Set<string> {
  const names = new Set<string>();
  for (const value of values(headers, "cache-control")) {
    for (const piece of value.split(",")) {
      const equals = piece.indexOf("=");
      names.add((equals === -1 ? piece : piece.slice(0, equals)).trim().toLowerCase());
    }
  }
  return names;
}

/**
 * The request headers a response varies on: the `Vary` names lowercased, without duplicates,
 * sorted; `"*"` when any of them is `*`.
 */
export function varyNames(headers: readonly HeaderPair[]): string[] | "*" {
  const names = new Set<string>();
  for (const value of values(headers, "vary")) {
    for (const piece of value.split(",")) {
      const name = piece.trim().toLowerCase();
      if (name === "*") return "*";
      if (name !== "") names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * Whether a response may be stored under `rules`. Never: a status not listed, `Vary: *` (no key
 * can tell its variants apart); by default also never a response with `Set-Cookie`, or with
 * `Cache-Control: no-store`, `no-cache` (it may not be replayed without revalidation, which this
 * cache does not do) or `private`.
 */
export function cacheability(status: number, headers: readonly HeaderPair[], rules: CacheabilityRules): Cacheability {
  if (!rules.statuses.has(status)) return { storable: false, reason: "status" };
  const vary = varyNames(headers);
  if (vary === "*") return { storable: false, reason: "vary-star" };
  if (!rules.cacheSetCookie && values(headers, "set-cookie").length > 0) return { storable: false, reason: "set-cookie" };
  const control = directives(headers);
  if (!rules.cacheNoStore && (control.has("no-store") || control.has("no-cache"))) return { storable: false, reason: "no-store" };
  if (!rules.cachePrivate && control.has("private")) return { storable: false, reason: "private" };
  return { storable: true, vary };
}
