import { Socket } from "node:net";

/** A RESP2 reply: simple and bulk strings as text, integers, `null` for nil, arrays. */
export type RespReply = string | number | null | RespReply[];

/** Options for {@link sendCommand}. */
export interface SendCommandOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** How long to wait for the whole reply. Default 2000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Sends one command on a fresh connection and resolves with the parsed reply.
 *
 * A minimal RESP2 client for checks and setup (PING, CLUSTER INFO) that needs no client
 * library; the connection is closed afterwards, whatever happens.
 *
 * @throws Error when the connection fails, the server answers with an error reply (its
 * message is included), or no complete reply arrives within `timeoutMs`.
 */
export function sendCommand(port: number, args: ReadonlyArray<string>, options: SendCommandOptions = {}): Promise<RespReply> {
  const host = options.host ?? "127.0.0.1";
  const timeoutMs = options.timeoutMs ?? 2000;
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let buffered = Buffer.alloc(0);
    const finish = (error: Error | undefined, reply?: RespReply) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply ?? null);
    };
    const timer = setTimeout(
      () => finish(new Error(`${args[0]} to ${host}:${port}: no reply within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on("error", (error) => finish(new Error(`${args[0]} to ${host}:${port} failed: ${error.message}`, { cause: error })));
    socket.on("close", () => finish(new Error(`${args[0]} to ${host}:${port}: connection closed before a reply`)));
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      let parsed: ParseResult | undefined;
      try {
        parsed = parseReply(buffered, 0);
      } catch (error) {
        finish(new Error(`${args[0]} to ${host}:${port}: ${(error as Error).message}`));
        return;
      }
      if (parsed) finish(undefined, parsed.reply);
    });
    socket.connect(port, host, () => socket.write(encodeCommand(args)));
  });
}

function encodeCommand(args: ReadonlyArray<string>): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(""));
}

interface ParseResult {
  readonly reply: RespReply;
  readonly end: number;
}

/** Parses one reply starting at `start`; `undefined` while it is incomplete. */
function parseReply(buffer: Buffer, start: number): ParseResult | undefined {
  const lineEnd = buffer.indexOf("\r\n", start);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[start] ?? 0);
  const line = buffer.toString("utf8", start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case "+":
      return { reply: line, end: next };
    case "-":
      throw new Error(`error reply: ${line}`);
    case ":":
      return { reply: Number(line), end: next };
    case "$": {
      const length = Number(line);
      if (length < 0) return { reply: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { reply: buffer.toString("utf8", next, next + length), end: next + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { reply: null, end: next };
      const items: RespReply[] = [];
      let position = next;
      for (let index = 0; index < count; index++) {
        const item = parseReply(buffer, position);
        if (!item) return undefined;
        items.push(item.reply);
        position = item.end;
      }
      return { reply: items, end: position };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}
