/**
 * MemoryStore's namespace tree. A namespace's node exists only while it or a descendant holds
 * an entry: an emptied namespace leaves its parent's map (and so may its parent), so a store
 * that served 100,000 short-lived tenants keeps nothing of them, and sweeps never walk them.
 * Views find their node again by path when theirs was let go (see {@link NamespaceNode.attached}).
 */

/** One stored entry. */
export interface Entry {
  value: Uint8Array;
  /** Epoch milliseconds; 0 for no expiry. */
  expiresAt: number;
  key: string;
  node: NamespaceNode;
  size: number;
  /**
   * When the key entered its namespace's map (from the storage-wide counter). An overwrite keeps
   * it, as the map keeps the key's place; `keys()` skips entries newer than its start, so a key
   * deleted and set again behind the iterator is never yielded twice.
   */
  seq: number;
}

/** One namespace: its entries and its children (made on the first child). */
export interface NamespaceNode {
  readonly entries: Map<string, Entry>;
  children: Map<string, NamespaceNode> | undefined;
  /** Undefined for the root, which is never let go. */
  readonly parent: NamespaceNode | undefined;
  readonly name: string;
  /**
   * False once the node has left the tree. It never comes back: a view holding it looks its
   * path up again, and a write there makes a new node.
   */
  attached: boolean;
}

/** A root node. */
export function newRootNode(): NamespaceNode {
  return { entries: new Map(), children: undefined, parent: undefined, name: "", attached: true };
}

/**
 * The node at `path` below `root`; with `create`, missing nodes are made on the way, else a
 * missing one gives undefined (a namespace with no entries).
 */
export function findNode(root: NamespaceNode, path: readonly string[], create: boolean): NamespaceNode | undefined {
  let node = root;
  for (const name of path) {
    let child = node.children?.get(name);
    if (child === undefined) {
      if (!create) return undefined;
      child = { entries: new Map(), children: undefined, parent: node, name, attached: true };
      (node.children ??= new Map()).set(name, child);
    }
    node = child;
  }
  return node;
}

const isEmpty = (node: NamespaceNode): boolean => node.entries.size === 0 && node.children === undefined;

/** Lets `node` go from its parent's map. */
function detach(node: NamespaceNode): void {
  const parent = node.parent!;
  node.attached = false;
  parent.children!.delete(node.name);
  if (parent.children!.size === 0) parent.children = undefined;
}

/** Lets `node` go, and then each ancestor, while they hold no entry and no child. */
export function pruneNode(node: NamespaceNode): void {
  for (let current = node; current.parent !== undefined && isEmpty(current); current = current.parent) detach(current);
}

/**
 * Removes every entry of `node` and lets go of all its descendants; `forget` sees each entry
 * first. The node itself stays: the caller prunes it.
 */
export function clearNode(node: NamespaceNode, forget: ((entry: Entry) => void) | undefined): void {
  if (forget) for (const entry of node.entries.values()) forget(entry);
  node.entries.clear();
  const children = node.children;
  if (children === undefined) return;
  node.children = undefined;
  for (const child of children.values()) {
    child.attached = false;
    clearNode(child, forget);
  }
}

/**
 * Removes the entries of `node` and its descendants that `isExpired`, calling `forget` on each,
 * and lets go of the descendants left empty. The node itself stays: the caller prunes it.
 *
 * @returns how many entries were removed.
 */
export function sweepNode(node: NamespaceNode, isExpired: (entry: Entry) => boolean, forget: (entry: Entry) => void): number {
  let removed = 0;
  for (const entry of node.entries.values()) {
    if (isExpired(entry)) {
      node.entries.delete(entry.key);
      forget(entry);
      removed++;
    }
  }
  if (node.children !== undefined) {
    for (const child of node.children.values()) {
      removed += sweepNode(child, isExpired, forget);
      if (isEmpty(child)) detach(child);
    }
  }
  return removed;
}

/** How many entries `node` and its descendants hold. */
export function countEntries(node: NamespaceNode): number {
  let count = node.entries.size;
  if (node.children !== undefined) for (const child of node.children.values()) count += countEntries(child);
  return count;
}
