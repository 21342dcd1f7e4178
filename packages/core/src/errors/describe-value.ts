const MAX_SHOWN = 64;

/**
 * Renders a value for an error message: strings quoted and cut to a readable length, other
 * values by their type, so a 64 KiB key or an 8 MiB value never floods a log line.
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    if (value.length <= MAX_SHOWN) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, MAX_SHOWN))}… (${value.length} characters)`;
  }
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return `${typeof value} ${String(value)}`;
  }
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "function") return "a function";
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength} bytes)`;
  const name = (value as object).constructor?.name;
  return name ? `an instance of ${name}` : "an object";
}
