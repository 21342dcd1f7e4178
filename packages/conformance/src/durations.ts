import type { Duration } from "@stowage/core";

/** Durations that `expiresIn` and `renewFor` must both reject with `InvalidArgumentError`. */
export const INVALID_DURATIONS: readonly unknown[] = [
  0, -0, -1, NaN, Infinity, -Infinity, 0.0001, 0.0004, 2 ** 31, 1e300,
  "", "10", "1.5s", "10 s", " 5s", "5s ", "5 minutes", "-5s", "+5s", "0ms", "0s", "1e3s", "0x10s", "5sec",
  "2147483648s", "24856d", null, {}, [], true, [5],
];

/** Valid durations and the seconds each means. */
export const VALID_DURATIONS: ReadonlyArray<[Duration, number]> = [
  [0.001, 0.001], [0.25, 0.25], ["250ms", 0.25], [1, 1], [1.5, 1.5], ["30s", 30], ["5m", 300], ["2h", 7_200],
  ["7d", 604_800], [86_400, 86_400], [2 ** 31 - 1, 2 ** 31 - 1], ["2147483647s", 2 ** 31 - 1],
];
