export { SessionStore, type SessionStoreOptions, type SessionData, type SessionCookieData } from "./session-store.js";
export type { SessionCallback } from "./callback.js";
