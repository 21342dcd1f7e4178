// How the keys Keyv hands its adapter map onto Stowage namespaces, and back.
//
// Keyv 5 (with its default `useKeyPrefix: true`) prefixes every key with `<namespace>:` before
// calling the adapter, and keeps the namespace on the adapter as a plain, mutable property that
// every Keyv built on the adapter overwrites (keyv #1821). So the prefix of the key, not the
// property, says which Keyv a call comes from.

/** Where one key Keyv passed lives: its Keyv namespace (undefined: the store itself) and the key within it. */
export interface LocatedKey {
  readonly namespace: string | undefined;
  readonly key: string;
}

const SEPARATOR = ":";

/** Whether `key` starts with `namespace:`. */
function hasPrefix(key: string, namespace: string): boolean {
  return key.length > namespace.length && key.charCodeAt(namespace.length) === 58 && key.startsWith(namespace);
}

/**
 * The namespace and plain key of a key Keyv passed. A key prefixed with the current namespace
 * belongs to it; else one prefixed with another namespace this adapter was given belongs to that
 * one (the longest such name wins); else the key is the plain key of the current namespace (a
 * Keyv built with `useKeyPrefix: false`, or without a namespace).
 */
export function locateKey(key: string, current: string | undefined, known: ReadonlySet<string>): LocatedKey {
  if (current !== undefined && hasPrefix(key, current)) return { namespace: current, key: key.slice(current.length + 1) };
  // Other names to try only when the adapter was given some besides the current one.
  if (known.size > (current !== undefined && known.has(current) ? 1 : 0)) {
    let best: string | undefined;
    for (const name of known) {
      if (hasPrefix(key, name) && (best === undefined || name.length > best.length)) best = name;
    }
    if (best !== undefined) return { namespace: best, key: key.slice(best.length + 1) };
  }
  return { namespace: current, key };
}

/**
 * The key the adapter's iterator yields for `key` of `namespace`: what Keyv 5.6 turns back into
 * the plain key. Keyv drops everything up to the first `:` of each key the iterator yields, even
 * when it has no namespace, so a key of the store itself is yielded as `:key`.
 */
export function iteratorKey(namespace: string | undefined, key: string): string {
  return namespace === undefined ? `${SEPARATOR}${key}` : `${namespace}${SEPARATOR}${key}`;
}

/** Keyv's way of saying "no namespace": undefined, or an empty name (Keyv prefixes nothing then). */
export function toNamespace(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
