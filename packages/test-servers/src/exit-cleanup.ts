/**
 * The safety net behind every started server: synchronous cleanups that run when the Node.js
 * process exits (normally, through `process.exit`, or after an uncaught error) with servers
 * still running, e.g. a test that failed before its `afterAll`. `stop()` unregisters them.
 */
const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // the process is exiting: the remaining cleanups still have to run
    }
  }
}

/** Registers a synchronous cleanup for process exit; returns the function that unregisters it. */
export function onProcessExit(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on("exit", runAll);
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
