import type { NamespacedStore } from "@stowage/core";

/** The capabilities of the store under test, with every default filled in. */
export interface ResolvedCapabilities {
  namespaces: boolean;
  largeValueBytes: number;
  keysMayRepeat: boolean;
}

/**
 * One conformance case as a group file declares it: a name and a body run against a fresh
 * store. `conformanceCases` adds the store's creation and cleanup around it.
 */
export interface CaseDefinition {
  name: string;
  /** Set when the case needs `withNamespace`; skipped when the store declares `namespaces: false`. */
  needsNamespaces?: boolean;
  /** The body. The store is typed as namespaced; only cases with `needsNamespaces` may use that. */
  run(store: NamespacedStore): Promise<void>;
}
