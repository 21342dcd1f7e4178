/**
 * The store key of the counter of `id` in a window of `windowMs` under `prefix`:
 * `<windowMs>ms:<prefix as a JSON string>:<id>`, for example `60000ms:"api":203.0.113.7`.
 *
 * The mapping is injective: the window ends at the first `ms:`, the JSON string at its closing
 * quote, and the id is the rest. So two limiters with different prefixes or windows never share a
 * counter, whatever characters prefixes and ids hold (`"a"` + `"bc"` never meets `"ab"` + `"c"`).
 */
export function counterKey(prefix: string, windowMs: number, id: string): string {
  return `${windowMs}ms:${JSON.stringify(prefix)}:${id}`;
}
