import { describe, expect, test } from "vitest";
import { KeyvStowage } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

describe.each(BACKENDS)("values as text on %s", (kind) => {
  const backend = useBackend(kind);

  test("every backend gives the same text back: UTF-8 as written, malformed bytes replaced, a leading byte order mark kept", async () => {
    const adapter = new KeyvStowage(backend.store);
    const texts = ["plain", "héllo 🎉", "", "a\uFEFFb"];
    for (const [index, text] of texts.entries()) {
      await adapter.set(`text${index}`, text);
      expect(await adapter.get(`text${index}`)).toBe(text);
    }
    await adapter.set("bom", "\uFEFFvalue");
    expect(await adapter.get("bom")).toBe("\uFEFFvalue");
    await backend.store.set("malformed", new Uint8Array([0x61, 0xff, 0x62]));
    expect(await adapter.get("malformed")).toBe("a\uFFFDb");
  });
});
