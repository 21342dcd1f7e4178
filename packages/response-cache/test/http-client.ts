import { Agent, request as httpRequest } from "node:http";

/** A response as the client received it: status, raw headers (names as sent) and body bytes. */
export interface ClientResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  body: Buffer;
  text: string;
}

// Keep-alive, unbounded sockets: 50 concurrent requests really are concurrent.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/** Sends one request to 127.0.0.1 on `port`; `path` is sent as the request target exactly as given. */
export function send(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: options.headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, rawHeaders: response.rawHeaders, body, text: body.toString("utf8") });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}

/** Closes the keep-alive connections, so servers can close at once. */
export function closeConnections(): void {
  agent.destroy();
}
