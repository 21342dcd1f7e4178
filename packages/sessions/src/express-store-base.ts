import { EventEmitter } from "node:events";
import { createRequire } from "node:module";

/** The constructor `SessionStore` extends: express-session's `Store`, or an `EventEmitter` without it. */
export type StoreBaseConstructor = new () => EventEmitter;

/**
 * express-session's `Store` class when express-session is installed (an optional peer), so that
 * `regenerate`, `load` and `createSession` are express-session's own and `instanceof Store`
 * holds; a plain `EventEmitter` otherwise, which is all @fastify/session needs.
 */
export function expressStoreBase(): StoreBaseConstructor {
  try {
    // `__filename` is native in the CommonJS build and shimmed by tsup in the ESM one; looking
    // the peer up from this package's own location finds the copy the application installed.
    const expressSession = createRequire(__filename)("express-session") as { Store?: unknown };
    if (typeof expressSession.Store === "function") return expressSession.Store as StoreBaseConstructor;
  } catch (error) {
    // Only express-session itself being absent means "not installed"; anything else is a real failure.
    const missing = (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes("'express-session'");
    if (!missing) throw error;
  }
  return EventEmitter;
}
