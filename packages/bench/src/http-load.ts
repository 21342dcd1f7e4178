import { execFile } from "node:child_process";

/** What one load run measured. */
export interface LoadResult {
  /** Responses with status 200. */
  ok: number;
  /** Other statuses and request errors. */
  failed: number;
  seconds: number;
}

// The load generator, run in a second Node process so it never competes with the server's event
// loop: `connections` keep-alive connections, each sending its next GET as soon as the previous
// response has ended, for `durationMs`. Plain JavaScript so the same text runs from the compiled
// bench and from its tests.
const LOAD_SCRIPT = `
const http = require("node:http");
const { url, connections, durationMs } = JSON.parse(process.argv[1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
let ok = 0, failed = 0;
const started = performance.now();
const end = started + durationMs;
const once = () => new Promise((resolve) => {
  const request = http.get(url, { agent }, (response) => {
    response.on("data", () => {});
    response.on("end", () => { if (response.statusCode === 200) ok++; else failed++; resolve(); });
  });
  request.on("error", () => { failed++; resolve(); });
});
const connection = async () => { while (performance.now() < end) await once(); };
Promise.all(Array.from({ length: connections }, connection)).then(() => {
  process.stdout.write(JSON.stringify({ ok, failed, seconds: (performance.now() - started) / 1000 }));
  agent.destroy();
});
`;

/**
 * Sends GET `url` from a second process over `connections` keep-alive connections for
 * `durationMs`, and resolves what it counted.
 *
 * @throws Error when the load process fails.
 */
export function runLoad(url: string, connections: number, durationMs: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-e", LOAD_SCRIPT, JSON.stringify({ url, connections, durationMs })], { timeout: durationMs + 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the load process failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  });
}
