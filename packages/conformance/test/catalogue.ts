import type { Fault } from "./faults.js";

/** One broken store: its fault, what it does wrong, and the cases of `group` that must catch it. */
export interface CatalogueEntry {
  fault: Fault;
  what: string;
  group: string;
  cases: string[];
}

const GONE = "an expired entry is gone on every read path";
const INVALID_EXPIRES_IN = "expiresIn rejects every invalid duration with InvalidArgumentError, writing nothing";
const INVALID_RENEW_FOR = "renewFor rejects every invalid duration with InvalidArgumentError, changing nothing";
const VALID_DURATIONS = "every valid duration form is accepted and sets that expiry";
const MOVES_EXPIRY = "renewFor on an expiring key returns the value and moves its expiry to now + renewFor";
const AWKWARD = "awkward keys each round-trip and stay distinct";
const INVALID_KEYS = "invalid keys are rejected with InvalidKeyError on every operation, writing nothing";
const NOT_BYTES = "set rejects every value that is not bytes or a string with InvalidArgumentError, writing nothing";
const KEEPS_EXPIRY = "a live entry keeps its expiry exactly: expiresIn applies only when increment creates the entry";
const EXPIRED_COUNTER = "an expired entry counts as 0: increment recreates it, with expiresIn or without expiry";
const OVERFLOW = "increment rejects a result outside ±(2^53-1), in both directions, changing neither value nor expiry";
const ABSENT = "an expired entry counts as absent: setIfAbsent replaces it, with its own expiry or none";
const ISOLATED_KEYS = "keys() yields only its namespace's keys: never the parent's, children's, siblings' or prefix siblings'";
const DURING = "a key live for the whole iteration is yielded while others are set, deleted and set again during it, and none twice";

/**
 * Each broken store, the group that must catch it, and the cases there that must fail. A
 * broken store that passes is a hole in the suite: fix the suite, not this table.
 */
export const CATALOGUE: readonly CatalogueEntry[] = [
  // expiry and durations
  { fault: "ignores-expiry", what: "serves entries after they expired", group: "expiry", cases: [GONE] },
  { fault: "exists-ignores-expiry", what: "exists() ignores expiry", group: "expiry", cases: [GONE] },
  { fault: "set-keeps-old-expiry", what: "set without expiresIn keeps the old expiry", group: "expiry", cases: ["set without expiresIn clears the expiry of the value it overwrites"] },
  { fault: "whole-second-ttl", what: "expiresIn reports whole seconds", group: "expiry", cases: ["expiresIn reports the seconds left with millisecond resolution"] },
  { fault: "set-expiry-only-extends", what: "set with expiresIn never shortens an expiry (EXPIRE ... GT)", group: "expiry", cases: ["set with expiresIn replaces value and expiry together"] },
  { fault: "no-expiry-as-infinity", what: "expiresIn reports Infinity for an entry without expiry", group: "basic", cases: ["set resolves to undefined and the value reads back, with no expiry"] },
  { fault: "zero-means-forever", what: "accepts expiresIn: 0 as no expiry", group: "expiry", cases: [INVALID_EXPIRES_IN, INVALID_RENEW_FOR] },
  { fault: "lenient-durations", what: "parses durations with parseFloat", group: "expiry", cases: [VALID_DURATIONS, INVALID_EXPIRES_IN, INVALID_RENEW_FOR] },
  { fault: "numbers-as-milliseconds", what: "takes a number duration as milliseconds", group: "expiry", cases: [VALID_DURATIONS] },
  { fault: "rejects-long-durations", what: "rejects expiries past 2^31-1 ms, a timer's limit", group: "expiry", cases: [VALID_DURATIONS] },
  // values
  { fault: "aliases-set", what: "keeps a reference to the caller's array", group: "values", cases: ["changing the array given to set, after set resolved, does not change the stored value"] },
  { fault: "aliases-get", what: "returns its internal array from get", group: "values", cases: ["changing what get returned does not change the stored value"] },
  { fault: "stores-whole-buffer", what: "stores a view's whole underlying buffer", group: "values", cases: ["a Buffer, and a Uint8Array viewing part of a larger buffer, store just their bytes"] },
  { fault: "strings-as-latin1", what: "encodes strings as Latin-1", group: "values", cases: ["a string is stored as its UTF-8 bytes"] },
  { fault: "drops-large-values", what: "resolves writes of large values it never made", group: "values", cases: ["a value of 8 MiB survives whole"] },
  { fault: "drops-empty-values", what: "resolves writes of empty values it never made", group: "values", cases: ["an empty value is a value: exists is true and get returns an empty array"] },
  { fault: "accepts-any-array-view", what: "accepts ArrayBuffer, DataView and other typed arrays", group: "values", cases: [NOT_BYTES] },
  { fault: "coerces-values-to-strings", what: "stores String(value) for non-bytes", group: "values", cases: [NOT_BYTES] },
  { fault: "values-through-utf8", what: "keeps values as text, replacing invalid UTF-8", group: "values", cases: ["invalid UTF-8 survives byte for byte", "all 256 byte values survive, in both orders"] },
  { fault: "truncates-at-nul", what: "cuts values at the first NUL byte", group: "values", cases: ["NUL bytes survive, alone, leading, trailing and inside"] },
  { fault: "get-returns-string", what: "get returns a string instead of bytes", group: "basic", cases: ["set resolves to undefined and the value reads back, with no expiry"] },
  // renewal
  { fault: "resurrects-on-renew", what: "renewal brings expired entries back", group: "renew", cases: ["renewing an expired key returns null and does not resurrect it"] },
  { fault: "renew-gives-expiry", what: "renewal gives entries without expiry one", group: "renew", cases: ["renewFor on a key without expiry returns the value and gives it no expiry"] },
  { fault: "renew-rewrites-value", what: "renewal reads, then writes the value back (not atomic)", group: "concurrency", cases: ["a renewal racing a set never brings back the old value or its expiry", "a renewal racing a delete never resurrects the entry"] },
  { fault: "whole-second-renewal", what: "renews in whole seconds, so renewing for 250 ms deletes the entry (EXPIRE key 0)", group: "renew", cases: ["renewing for 250 ms works, and may shorten the expiry"] },
  { fault: "ignores-renewFor", what: "get ignores renewFor", group: "renew", cases: [MOVES_EXPIRY] },
  { fault: "renew-extends-old-expiry", what: "renewal adds renewFor to the old expiry instead of to now", group: "renew", cases: [MOVES_EXPIRY] },
  // keys
  { fault: "coerces-non-string-keys", what: "accepts non-string keys as String(key)", group: "keys", cases: [INVALID_KEYS] },
  { fault: "replaces-lone-surrogates", what: "accepts lone surrogates as U+FFFD", group: "keys", cases: [INVALID_KEYS] },
  { fault: "truncates-long-keys", what: "truncates keys over 64 KiB", group: "keys", cases: [INVALID_KEYS] },
  { fault: "case-insensitive-keys", what: "folds keys to lower case", group: "keys", cases: [AWKWARD] },
  { fault: "normalizes-keys", what: "normalizes keys to NFC", group: "keys", cases: [AWKWARD] },
  { fault: "trims-keys", what: "trims spaces around keys", group: "keys", cases: [AWKWARD] },
  // delete and deleteAll
  { fault: "delete-missing-rejects", what: "delete of a missing key rejects (ENOENT)", group: "basic", cases: ["delete of a missing key resolves and changes nothing"] },
  { fault: "deleteAll-skips-children", what: "deleteAll on a view leaves its descendants' entries", group: "namespaces", cases: ["deleteAll reaches three levels down, never up or sideways"] },
  // namespaces
  { fault: "deleteAll-prefix-sibling", what: "deleteAll on cache also clears cache2", group: "namespaces", cases: ["deleteAll spares siblings whose names start with the same letters"] },
  { fault: "deleteAll-glob", what: "deleteAll matches the namespace name as a glob (unescaped SCAN MATCH)", group: "namespaces", cases: ["glob metacharacters in a namespace name match nothing but that name"] },
  { fault: "namespace-separator", what: 'keys namespaces as ns + ":" + key', group: "namespaces", cases: ["namespace names and keys holding separator characters never collide, nor do their deleteAlls"] },
  { fault: "flat-namespaces", what: "ignores namespaces", group: "namespaces", cases: ["the same key in a parent, a child, a grandchild and a sibling is four entries, isolated both ways"] },
  { fault: "deleteAll-climbs-up", what: "deleteAll on a view clears its parent", group: "namespaces", cases: ["deleteAll reaches three levels down, never up or sideways"] },
  { fault: "namespace-own-name-only", what: "namespace holds a view's own name, not the path", group: "namespaces", cases: ["namespace is [] on the root and the path of names on a view"] },
  { fault: "views-not-shared", what: "each view of a namespace keeps entries of its own", group: "namespaces", cases: ["two views of one namespace share its entries"] },
  { fault: "withNamespace-ignores-close", what: "withNamespace works after close", group: "lifecycle", cases: ["withNamespace throws StoreClosedError after close"] },
  { fault: "lenient-namespace-names", what: "withNamespace accepts the empty name", group: "namespaces", cases: ["withNamespace rejects invalid names with InvalidArgumentError and accepts 1 KiB ones"] },
  // lifecycle and errors
  { fault: "close-not-enforced", what: "keeps working after close", group: "lifecycle", cases: ["every operation rejects with StoreClosedError after close", "await using closes the store at the end of the block", "closing the root closes every view made from it"] },
  { fault: "view-close-closes-root", what: "closing a view closes the root", group: "lifecycle", cases: ["closing a view closes that view only: the root and its siblings stay usable"] },
  { fault: "close-twice-rejects", what: "a second close rejects", group: "lifecycle", cases: ["close is idempotent, called in turn or at once"] },
  { fault: "dispose-does-not-close", what: "Symbol.asyncDispose does not close", group: "lifecycle", cases: ["await using closes the store at the end of the block"] },
  { fault: "root-close-spares-views", what: "views keep working after their root closed", group: "lifecycle", cases: ["closing the root closes every view made from it"] },
  { fault: "plain-errors", what: "rejects with plain Errors instead of the contract's classes", group: "lifecycle", cases: ["the store's errors are StowageErrors with their class's name"] },
  // concurrency
  { fault: "torn-writes", what: "rewrites values in place, a chunk at a time", group: "concurrency", cases: ["200 concurrent sets of one key leave exactly one of the values, whole", "a concurrent mix of get, set, delete and exists never yields a partial value"] },
  // increment
  { fault: "increment-read-then-write", what: "increment reads, awaits, then writes (lost updates)", group: "increment", cases: ["100 concurrent increments move the value by exactly 100 × by, each result returned once"] },
  { fault: "increment-reapplies-expiry", what: "increment sets expiresIn on every call, extending the window", group: "increment", cases: [KEEPS_EXPIRY] },
  { fault: "increment-expires-persistent", what: "increment gives a live counter without expiry the expiresIn", group: "increment", cases: [KEEPS_EXPIRY] },
  { fault: "increment-keeps-expired", what: "increment adds to an expired counter", group: "increment", cases: [EXPIRED_COUNTER] },
  { fault: "increment-lenient-parse", what: "increment reads entries with Number()", group: "increment", cases: ["increment rejects an entry that is not a decimal integer with InvalidArgumentError, changing neither value nor expiry"] },
  { fault: "increment-unchecked-overflow", what: "increment goes past 2^53-1", group: "increment", cases: [OVERFLOW] },
  { fault: "increment-writes-before-check", what: "increment writes the sum, then rejects the overflow", group: "increment", cases: [OVERFLOW] },
  { fault: "increment-stores-binary", what: "increment keeps counters as 8-byte floats", group: "increment", cases: ["increment of a missing key creates it: by default 1, stored as text, without expiry", 'an entry set to "41" increments to 42: a counter is plain decimal text, however it was written'] },
  { fault: "increment-rounds-by", what: "increment rounds by to an integer", group: "increment", cases: ["increment rejects a by that is not a safe integer, and bad options, creating and changing nothing"] },
  { fault: "increment-zero-means-forever", what: "increment takes expiresIn: 0 as no expiry", group: "increment", cases: ["increment rejects a by that is not a safe integer, and bad options, creating and changing nothing"] },
  { fault: "atomic-coerces-keys", what: "increment and setIfAbsent take String(key) for non-string keys", group: "keys", cases: [INVALID_KEYS] },
  // setIfAbsent
  { fault: "setIfAbsent-exists-then-set", what: "setIfAbsent checks, awaits, then writes (several winners)", group: "setIfAbsent", cases: ["of 100 concurrent setIfAbsent calls on one key exactly one resolves true, and get returns its value"] },
  { fault: "setIfAbsent-expired-is-present", what: "setIfAbsent counts an expired entry as present", group: "setIfAbsent", cases: [ABSENT] },
  { fault: "setIfAbsent-touches-expiry", what: "a refused setIfAbsent still applies its expiresIn", group: "setIfAbsent", cases: ["setIfAbsent on a live entry with an expiry leaves value and expiry exactly as they were"] },
  { fault: "setIfAbsent-empty-is-absent", what: "setIfAbsent takes an empty value for no entry", group: "setIfAbsent", cases: ["setIfAbsent writes a missing key and resolves true, then resolves false and changes nothing"] },
  { fault: "setIfAbsent-ignores-expiresIn", what: "setIfAbsent writes without expiry", group: "setIfAbsent", cases: ["setIfAbsent applies expiresIn to the entry it creates, and stores only the caller's bytes"] },
  { fault: "setIfAbsent-keeps-old-expiry", what: "setIfAbsent over an expired entry keeps its passed expiry", group: "setIfAbsent", cases: [ABSENT] },
  { fault: "setIfAbsent-coerces-values", what: "setIfAbsent stores String(value) for non-bytes", group: "setIfAbsent", cases: ["setIfAbsent rejects bad values and durations with InvalidArgumentError, writing nothing"] },
  { fault: "setIfAbsent-aliases-value", what: "setIfAbsent keeps a reference to the caller's array", group: "setIfAbsent", cases: ["setIfAbsent applies expiresIn to the entry it creates, and stores only the caller's bytes"] },
  // keys()
  { fault: "keys-includes-children", what: "keys() yields child namespaces' keys", group: "listing", cases: [ISOLATED_KEYS] },
  { fault: "keys-prefix-siblings", what: "keys() matches the namespace by string prefix (cache finds cache2)", group: "listing", cases: [ISOLATED_KEYS] },
  { fault: "keys-glob", what: "keys() matches the namespace name as a glob", group: "listing", cases: [ISOLATED_KEYS] },
  { fault: "keys-yields-expired", what: "keys() yields expired entries", group: "listing", cases: ["keys() never yields an expired entry"] },
  { fault: "keys-latin1", what: "keys() decodes keys as Latin-1", group: "listing", cases: ["keys() yields exactly the keys as set, awkward characters, emoji and a 64 KiB key included"] },
  { fault: "keys-offset-paging", what: "keys() pages by offset, skipping keys when earlier ones are deleted", group: "listing", cases: [DURING] },
  { fault: "keys-repeats-reinserted", what: "keys() yields a key deleted and set again during the iteration twice", group: "listing", cases: [DURING] },
  { fault: "keys-shared-cursor", what: "keys() keeps one cursor per store, so iterations interfere", group: "listing", cases: ["two iterations at once each yield every key"] },
  { fault: "keys-ignores-close", what: "keys() goes on after close", group: "listing", cases: ["an iterator's next step after close rejects with StoreClosedError"] },
  { fault: "keys-no-return", what: "keys() has no return(), so breaking out of for await does not end it", group: "listing", cases: ["breaking out of for await ends the iteration, and the store keeps working"] },
];
