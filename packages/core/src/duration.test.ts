import { durationToMilliseconds, MAX_DURATION_SECONDS, MAX_TIMER_MILLISECONDS, timerDurationToMilliseconds } from "./duration.js";
import { InvalidArgumentError } from "./errors/invalid-argument-error.js";

describe("durationToMilliseconds", () => {
  test.each([
    [1, 1_000],
    [0.25, 250],
    [0.001, 1],
    [1.5, 1_500],
    [0.0015, 2], // fractions of a millisecond round to the nearest
    [MAX_DURATION_SECONDS, MAX_DURATION_SECONDS * 1_000],
    ["250ms", 250],
    ["1ms", 1],
    ["30s", 30_000],
    ["5m", 300_000],
    ["2h", 7_200_000],
    ["7d", 604_800_000],
    ["007s", 7_000],
    [`${MAX_DURATION_SECONDS}s`, MAX_DURATION_SECONDS * 1_000],
  ])("accepts %p as %p ms", (input, expected) => {
    expect(durationToMilliseconds(input)).toBe(expected);
  });

  test.each([
    0, -1, -0.5, 0.0004, NaN, Infinity, -Infinity, MAX_DURATION_SECONDS + 1, 2 ** 53,
    "", "10", "0ms", "0s", "-5s", "+5s", "1.5s", "10 s", " 10s", "10s ", "5 minutes", "5M", "1w", "1e3ms", "s",
    `${MAX_DURATION_SECONDS + 1}s`, "99999999999999999d", null, undefined, {}, [], true, 10n,
  ])("rejects %p with InvalidArgumentError", (input) => {
    expect(() => durationToMilliseconds(input, "expiresIn", "TestStore")).toThrow(InvalidArgumentError);
  });

  test("the error names the option, the value and what is accepted", () => {
    let caught: unknown;
    try {
      durationToMilliseconds("5 minutes", "renewFor", "TestStore");
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    const error = caught as InvalidArgumentError;
    expect(error.argument).toBe("renewFor");
    expect(error.value).toBe("5 minutes");
    expect(error.store).toBe("TestStore");
    expect(error.message).toContain('"5 minutes"');
    expect(error.message).toContain("renewFor");
    expect(error.message).toContain('"30s"');
  });
});

describe("timerDurationToMilliseconds", () => {
  test.each([
    ["2147483647ms", MAX_TIMER_MILLISECONDS],
    [MAX_TIMER_MILLISECONDS / 1_000, MAX_TIMER_MILLISECONDS],
    ["24d", 24 * 86_400_000],
    ["1ms", 1],
  ])("accepts %p as %p ms (at most 2^31-1 ms, the longest Node timer)", (input, expected) => {
    expect(timerDurationToMilliseconds(input, "sweepInterval")).toBe(expected);
  });

  test.each(["2147483648ms", "25d", "30d", 2_147_484, MAX_DURATION_SECONDS, 0, "soon"])("rejects %p with InvalidArgumentError", (input) => {
    expect(() => timerDurationToMilliseconds(input, "sweepInterval", "MemoryStore")).toThrow(InvalidArgumentError);
  });

  test("the error names the option, the store and the limit", () => {
    expect(() => timerDurationToMilliseconds("30d", "operationTimeout", "RedisStore")).toThrow(
      /Invalid operationTimeout "30d" for RedisStore: expected at most 2147483647 ms/,
    );
  });
});
