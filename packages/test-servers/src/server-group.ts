import type { RunningServer } from "./running-server.js";

/**
 * Starts `count` servers at once. When any fails to start, the ones that did are stopped and the
 * first failure is thrown, so a half-started group never outlives its caller.
 */
export async function startAll(count: number, start: () => Promise<RunningServer>): Promise<RunningServer[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, start));
  const servers = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure) {
    await Promise.all(servers.map((server) => server.stop()));
    throw failure.reason;
  }
  return servers;
}

/** `stop`, made idempotent: later calls resolve at once. */
export function stopOnce(stop: () => Promise<void>): () => Promise<void> {
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    await stop();
  };
}
