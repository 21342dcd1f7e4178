import { request as httpRequest, type Server } from "node:http";
import { closeHttpServer, listenOnLoopback } from "@stowage/test-servers";

/** A response as the tests read it: status, lower-case headers, body text. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One GET to `url` on a fresh connection (no keep-alive, so servers close at once), with
 * `headers`.
 */
export function get(url: string, headers: Record<string, string> = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: "GET", headers, agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}

/** Starts `server` on a free loopback port and resolves its base URL. */
export const listen = async (server: Server) => `http://127.0.0.1:${await listenOnLoopback(server)}`;

/** Closes `server` and every connection it still holds. */
export const close = closeHttpServer;

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `check` until it passes (a decrement lands after the response), failing after about 5 s. */
export async function eventually(check: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await check();
    } catch (error) {
      if (attempt >= 100) throw error;
      await sleep(50);
    }
  }
}
