import { createServer, request } from "node:http";
import { closeHttpServer, listenOnLoopback } from "../src/index.js";

test("serves on a loopback port, and closes with a keep-alive connection still open", async () => {
  const server = createServer((_request, response) => response.end("ok"));
  const port = await listenOnLoopback(server);
  expect(server.address()).toMatchObject({ address: "127.0.0.1", port });
  const body = await new Promise<string>((resolve, reject) => {
    // A keep-alive request leaves its socket open: closing must not wait for it.
    request({ host: "127.0.0.1", port, headers: { connection: "keep-alive" } }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve(text));
    }).on("error", reject).end();
  });
  expect(body).toBe("ok");
  await closeHttpServer(server);
  expect(server.listening).toBe(false);
  await expect(closeHttpServer(server)).rejects.toThrow(/not running/);
});

test("rejects a server that is already listening", async () => {
  const server = createServer();
  await listenOnLoopback(server);
  await expect(listenOnLoopback(server)).rejects.toThrow();
  await closeHttpServer(server);
});
