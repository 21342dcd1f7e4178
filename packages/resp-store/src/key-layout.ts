/**
 * How (namespace path, key) becomes a Redis key.
 *
 * The namespace path (the root namespace, then every `withNamespace` name) is written name by
 * name, joined by `:`; the key follows a `|`, exactly as given:
 *
 *     stowage|user:1            key "user:1" in the root namespace "stowage"
 *     stowage:sessions|abc      key "abc" in namespace "sessions"
 *     stowage:a\:b|c            key "c" in namespace "a:b"
 *
 * In names, and only in names, `\`, `:` and `|` are escaped with a backslash, so the first
 * unescaped `:` or `|` always ends a name, and the first unescaped `|` starts the key. Reading a
 * Redis key left to right therefore gives back exactly one (path, key): the mapping is injective.
 *
 * A namespace's entries start with `<path>|` and its descendants' with `<path>:`, so one SCAN
 * pattern, `<path>[:|]*` with glob metacharacters escaped, finds all of them and nothing else:
 * a sibling sharing the first letters (`cache2` beside `cache`) continues with another character.
 */

const NAME_SPECIAL = /[\\:|]/g;
const GLOB_SPECIAL = /[\\*?[\]]/g;

/** Escapes one namespace name: `\`, `:` and `|` get a backslash. */
export function escapeNamespaceName(name: string): string {
  return name.replace(NAME_SPECIAL, "\\$&");
}

/** Escapes text for a Redis glob pattern (SCAN MATCH): `\`, `*`, `?`, `[` and `]` get a backslash. */
export function escapeGlob(text: string): string {
  return text.replace(GLOB_SPECIAL, "\\$&");
}

/** The escaped namespace path, names joined by `:`, for example `stowage:sessions`. */
export function namespacePath(path: readonly string[]): string {
  return path.map(escapeNamespaceName).join(":");
}

/**
 * What every Redis key of an entry of this namespace starts with: the escaped path and `|`.
 * The Redis key of an entry is this prefix followed by the key, unchanged.
 */
export function entryKeyPrefix(path: readonly string[]): string {
  return `${namespacePath(path)}|`;
}

/** The SCAN MATCH pattern of every entry of this namespace and of its descendants. */
export function namespaceMatchPattern(path: readonly string[]): string {
  return `${escapeGlob(namespacePath(path))}[:|]*`;
}

/**
 * The SCAN MATCH pattern of this namespace's own entries, `<path>|*` escaped as
 * {@link namespaceMatchPattern} is: a descendant's entries continue the path with `:`, so they
 * never match.
 */
export function entryMatchPattern(path: readonly string[]): string {
  return `${escapeGlob(entryKeyPrefix(path))}*`;
}
