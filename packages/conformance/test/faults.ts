/**
 * The ways a store can break the contract that the suite must catch. Each is one small,
 * realistic deviation from a correct store: the kind of bug a backend author ships. The
 * catalogue (catalogue.ts) says which cases must catch each one.
 */
export const FAULTS = [
  // expiry and durations
  "ignores-expiry", "exists-ignores-expiry", "set-keeps-old-expiry", "whole-second-ttl", "set-expiry-only-extends",
  "no-expiry-as-infinity", "zero-means-forever", "lenient-durations", "numbers-as-milliseconds", "rejects-long-durations",
  // values
  "aliases-set", "aliases-get", "stores-whole-buffer", "strings-as-latin1", "drops-large-values",
  "drops-empty-values", "accepts-any-array-view", "coerces-values-to-strings", "values-through-utf8", "truncates-at-nul",
  "get-returns-string",
  // renewal
  "resurrects-on-renew", "renew-gives-expiry", "renew-rewrites-value", "whole-second-renewal", "ignores-renewFor",
  "renew-extends-old-expiry",
  // keys
  "coerces-non-string-keys", "replaces-lone-surrogates", "truncates-long-keys", "case-insensitive-keys", "normalizes-keys",
  "trims-keys",
  // delete and deleteAll
  "delete-missing-rejects", "deleteAll-skips-children",
  // namespaces
  "deleteAll-prefix-sibling", "deleteAll-glob", "namespace-separator", "flat-namespaces", "deleteAll-climbs-up",
  "namespace-own-name-only", "views-not-shared", "lenient-namespace-names", "withNamespace-ignores-close",
  // lifecycle and errors
  "close-not-enforced", "view-close-closes-root", "close-twice-rejects", "dispose-does-not-close", "root-close-spares-views",
  "plain-errors",
  // concurrency
  "torn-writes",
  // increment
  "increment-read-then-write", "increment-reapplies-expiry", "increment-expires-persistent", "increment-keeps-expired",
  "increment-lenient-parse", "increment-unchecked-overflow", "increment-writes-before-check", "increment-stores-binary",
  "increment-rounds-by", "increment-zero-means-forever", "atomic-coerces-keys",
  // setIfAbsent
  "setIfAbsent-exists-then-set", "setIfAbsent-expired-is-present", "setIfAbsent-touches-expiry", "setIfAbsent-empty-is-absent",
  "setIfAbsent-ignores-expiresIn", "setIfAbsent-keeps-old-expiry", "setIfAbsent-coerces-values", "setIfAbsent-aliases-value",
  // keys()
  "keys-includes-children", "keys-prefix-siblings", "keys-glob", "keys-yields-expired", "keys-latin1", "keys-offset-paging",
  "keys-repeats-reinserted", "keys-shared-cursor", "keys-ignores-close", "keys-no-return",
] as const;

/** One way of breaking the contract; see {@link FAULTS}. */
export type Fault = (typeof FAULTS)[number];
