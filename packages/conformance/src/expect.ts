import { inspect, isDeepStrictEqual } from "node:util";
import { fail } from "./assertions.js";

/** The matchers the cases use, named as in jest and vitest. */
export interface Matchers {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeNull(): void;
  toBeUndefined(): void;
  toBeGreaterThan(expected: number): void;
  toBeInstanceOf(expected: abstract new (...args: never[]) => unknown): void;
}

function shown(value: unknown): string {
  return inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 120 });
}

/**
 * The suite's own `expect`: the few matchers its cases use, with jest's wording. The cases
 * import it instead of relying on a runner's global, so they run under jest, vitest or none.
 */
export function expect(actual: unknown): Matchers {
  const check = (pass: boolean, matcher: string, expected: string | undefined): void => {
    if (pass) return;
    fail(`expect(received).${matcher}\n\n${expected === undefined ? "" : `Expected: ${expected}\n`}Received: ${shown(actual)}`);
  };
  return {
    toBe: (expected) => check(Object.is(actual, expected), "toBe(expected) // Object.is equality", shown(expected)),
    toEqual: (expected) => check(isDeepStrictEqual(actual, expected), "toEqual(expected) // deep equality", shown(expected)),
    toBeNull: () => check(actual === null, "toBeNull()", undefined),
    toBeUndefined: () => check(actual === undefined, "toBeUndefined()", undefined),
    toBeGreaterThan: (expected) => check(typeof actual === "number" && actual > expected, "toBeGreaterThan(expected)", `> ${expected}`),
    toBeInstanceOf: (expected) => check(actual instanceof expected, "toBeInstanceOf(expected)", expected.name),
  };
}
