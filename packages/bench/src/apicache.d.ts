// apicache 1.6.3 ships no types; the part the bench uses.
declare module "apicache" {
  import type { RequestHandler } from "express";

  interface ApicacheInstance {
    middleware(duration?: string | number, toggle?: unknown, localOptions?: object): RequestHandler;
    clear(target?: string): unknown;
    getIndex(): { all: string[] };
  }

  // The module's own shape (CommonJS module.exports): a default export is what it is.
  const apicache: ApicacheInstance & { newInstance(options?: object): ApicacheInstance };
  export = apicache;
}
