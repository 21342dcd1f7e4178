import { InvalidArgumentError } from "./errors/invalid-argument-error.js";

/**
 * A length of time: a number of seconds (fractions allowed), or a string of an integer and a
 * unit: `"250ms"`, `"30s"`, `"5m"`, `"2h"`, `"7d"`.
 */
export type Duration = number | string;

/** The longest accepted duration, in seconds (2^31 - 1, the largest TTL every backend takes). */
export const MAX_DURATION_SECONDS = 2 ** 31 - 1;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^(\d{1,16})(ms|s|m|h|d)$/;
const EXPECTED =
  'seconds as a finite number from 0.001 to 2147483647, or an integer with a unit such as "250ms", "30s", "5m", "2h" or "7d"';

/**
 * Converts a {@link Duration} to whole milliseconds (the resolution every store works at;
 * fractions of a millisecond round to the nearest).
 *
 * @param argument - the option's name, for the error message (`expiresIn`, `renewFor`).
 * @param store - the store's description, for the error message.
 * @throws InvalidArgumentError when the duration is not a number or string, is not finite, is
 *   below 1 ms, is above 2^31 - 1 seconds, or is a string that does not parse. Zero is rejected:
 *   leaving the option out, not zero, means "no expiry".
 */
export function durationToMilliseconds(duration: unknown, argument = "duration", store?: string): number {
  let ms: number;
  if (typeof duration === "number") {
    ms = Math.round(duration * 1_000);
    if (!Number.isFinite(duration) || duration < 0.001) ms = NaN;
  } else if (typeof duration === "string") {
    const match = DURATION_PATTERN.exec(duration);
    ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : NaN;
  } else {
    ms = NaN;
  }
  if (!(ms >= 1 && ms <= MAX_DURATION_SECONDS * 1_000)) {
    throw new InvalidArgumentError({ argument, value: duration, expected: EXPECTED, store });
  }
  return ms;
}

/** The longest delay a Node timer holds, in milliseconds (2^31 - 1, about 24.8 days). */
export const MAX_TIMER_MILLISECONDS = 2 ** 31 - 1;

/**
 * Converts a {@link Duration} that arms a timer (`sweepInterval`, `operationTimeout`) to whole
 * milliseconds. Node turns a longer delay into 1 ms with only a warning, so a longer one is
 * rejected here instead.
 *
 * @throws InvalidArgumentError as {@link durationToMilliseconds} does, and when the duration is
 *   above 2^31 - 1 ms.
 */
export function timerDurationToMilliseconds(duration: unknown, argument: string, store?: string): number {
  const ms = durationToMilliseconds(duration, argument, store);
  if (ms > MAX_TIMER_MILLISECONDS) {
    throw new InvalidArgumentError({
      argument,
      value: duration,
      expected: `at most 2147483647 ms (about 24.8 days), the longest delay a Node timer holds`,
      store,
    });
  }
  return ms;
}
