/** What the cache was doing when a store operation failed. */
export interface ResponseCacheErrorContext {
  /**
   * `read`: looking a request up (the handler served it); `write`: storing a response (it was
   * served, not stored); `lock`: taking, checking or releasing the cross-process lock (the
   * response was computed without it); `invalidate`: dropping entries.
   */
  operation: "read" | "write" | "lock" | "invalidate";
  /** The store key involved. */
  key: string;
}

/** Receives the store failures of a response cache. It should not throw; what it throws is reported as a warning. */
export type ResponseCacheErrorHandler = (error: unknown, context: ResponseCacheErrorContext) => void;

const OUTCOME: Record<ResponseCacheErrorContext["operation"], string> = {
  read: "the request was served by the handler",
  write: "the response was served but not stored",
  lock: "the response was computed without the cross-process lock",
  invalidate: "the entries may remain until they expire",
};

/**
 * The default `onError`: a process warning (`ResponseCacheWarning`, printed to stderr by Node
 * unless the application listens to `process.on("warning")`), or `console.warn` where there is
 * no `process.emitWarning`.
 */
export function reportWithWarning(error: unknown, context: ResponseCacheErrorContext): void {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const message = `@stowage/response-cache: a store ${context.operation} failed, so ${OUTCOME[context.operation]}. ${reason}`;
  const emit = (globalThis as { process?: { emitWarning?: (message: string, options: object) => void } }).process?.emitWarning;
  if (typeof emit === "function") emit.call(globalThis.process, message, { type: "ResponseCacheWarning", code: "STOWAGE_RESPONSE_CACHE" });
  else console.warn(message);
}

/** Calls `handler`; if it throws, both failures go to the default warning instead, so neither is lost and no request breaks. */
export function report(handler: ResponseCacheErrorHandler, error: unknown, context: ResponseCacheErrorContext): void {
  try {
    handler(error, context);
  } catch (handlerError) {
    reportWithWarning(new AggregateError([error, handlerError], "onError threw while reporting a store failure"), context);
  }
}
