import type { NamespacedStore } from "@stowage/core";
import { fail } from "./assertions.js";
import { show, utf8 } from "./fixtures.js";

/** An entry's place: the namespace path under the root, then the key. */
export interface Location {
  path: readonly string[];
  key: string;
}

/** Characters a backend might join a namespace path and a key with, or escape them with. */
export const SEPARATORS: readonly string[] = [":", "/", "|", "\\", ".", "%", "\u0000", "*", "?", "[", "_", "-", " ", "\n", "::"];

/** Pairs of locations a backend that joins names with `separator` (or escapes it) would merge. */
function collidingLocations(a: string, separator: string): Location[] {
  return [
    { path: [a], key: `b${separator}c` },
    { path: [a, "b"], key: "c" },
    { path: [`${a}${separator}b`], key: "c" },
    { path: [], key: `${a}${separator}c` },
    { path: [a], key: "c" },
    { path: [`${a}${separator}`], key: "c" },
    { path: [a], key: `${separator}c` },
    { path: [a, `b${separator}c`], key: "d" },
    { path: [a, "b", "c"], key: "d" },
    { path: [`\\${separator}`], key: "c" },
  ];
}

function encodedLocations(a: string): Location[] {
  return [
    { path: [`${a}%3Ab`], key: "c" },
    { path: [`${a}%2Fb`], key: "c" },
    { path: [`${a}\\:b`], key: "c" },
    { path: [`${a}\\`], key: ":b" },
    { path: [`${a}${encodeURIComponent("\u0000")}`], key: "c" },
    // Path traversal through keys and names, and names a filesystem treats specially.
    { path: [], key: "c" },
    { path: [a], key: "../c" },
    { path: [a, "b"], key: "../c" },
    { path: [a, ".."], key: "c" },
    { path: [a, "."], key: "c" },
    { path: [".."], key: "c" },
    { path: [a, "b"], key: "../../c" },
    // Names that differ only in case or in Unicode normalization.
    { path: [a.toUpperCase()], key: "c" },
    { path: [`${a}e\u0301`], key: "c" },
    { path: [`${a}\u00e9`], key: "c" },
    // A key and a namespace of the same name, as a file and a directory would be.
    { path: [], key: a },
    { path: [a], key: a },
    { path: [a, a], key: a },
  ];
}

export function uniqueLocations(locations: Location[]): Location[] {
  const seen = new Map<string, Location>();
  for (const location of locations) seen.set(JSON.stringify([location.path, location.key]), location);
  return [...seen.values()];
}

/**
 * Locations that some separator-joining or escaping scheme would merge, around the name `a`:
 * every one must hold its own entry.
 */
export function collisionCandidates(a: string): Location[] {
  return uniqueLocations([...SEPARATORS.flatMap((separator) => collidingLocations(a, separator)), ...encodedLocations(a)]);
}

/** The view of `root` at `path`. */
export function viewAt(root: NamespacedStore, path: readonly string[]): NamespacedStore {
  return path.reduce((store, name) => store.withNamespace(name), root);
}

/** Renders a location for failure messages: `"b:c" in ["a"]`. */
export function showLocation(location: Location): string {
  return `entry ${show(location.key)} in ${location.path.length === 0 ? "the root" : `[${location.path.map(show).join(", ")}]`}`;
}

/** Whether `path` is `prefix` or lies under it. */
export function isUnder(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((name, index) => path[index] === name);
}

/**
 * Writes a distinct value to every location, so that `expectLocations` can tell which location
 * a value really came from when two of them share storage.
 */
export async function writeLocations(root: NamespacedStore, locations: readonly Location[], run: string): Promise<void> {
  for (const [index, location] of locations.entries()) {
    await viewAt(root, location.path).set(location.key, utf8(`${run}#${index}`));
  }
}

/**
 * Checks that each location holds its own value (or nothing, when `gone` says it was deleted).
 * A failure names both locations that collided.
 */
export async function expectLocations(
  root: NamespacedStore,
  locations: readonly Location[],
  run: string,
  gone: (location: Location) => boolean = () => false,
  when = "",
): Promise<void> {
  const decoder = new TextDecoder();
  for (const [index, location] of locations.entries()) {
    const value = await viewAt(root, location.path).get(location.key);
    const text = value === null ? null : decoder.decode(value);
    if (gone(location)) {
      if (text === null) continue;
      fail(`${showLocation(location)} should be gone${when}, but it still holds ${describeOrigin(text, locations, run)}`);
    }
    if (text === `${run}#${index}`) continue;
    fail(`${showLocation(location)}${when} holds ${text === null ? "nothing" : describeOrigin(text, locations, run)}, not its own value`);
  }
}

function describeOrigin(text: string, locations: readonly Location[], run: string): string {
  const index = text.startsWith(`${run}#`) ? Number(text.slice(run.length + 1)) : NaN;
  const origin = locations[index];
  return origin ? `the value written to ${showLocation(origin)}` : show(text);
}
