import { randomUUID } from "node:crypto";
import { StoreCorruptionError } from "@stowage/core";
import { SessionStore } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

const inMs = (ms: number) => ({ cookie: { expires: new Date(Date.now() + ms), originalMaxAge: ms } });

// The store-level guarantees, on every backend (the frameworks' view of them is in app-cases.ts).
describe.each(BACKENDS)("SessionStore on %s", (backend) => {
  const fixture = useBackend(backend);
  const fresh = () => {
    const namespace = fixture.root().withNamespace(randomUUID());
    return { namespace, store: new SessionStore({ store: namespace }) };
  };

  test("touch moves the expiry without rewriting the value, and never recreates a destroyed session", async () => {
    const { namespace, store } = fresh();
    await store.set("sid", { ...inMs(10_000), user: "ada" });
    await store.touch("sid", { ...inMs(120_000), user: "not written" });
    expect(await namespace.expiresIn("sid")).toBeGreaterThan(110);
    expect((await store.get("sid"))!.user).toBe("ada");
    await store.destroy("sid");
    await store.touch("sid", inMs(120_000));
    expect(await namespace.exists("sid")).toBe(false);
    await store.touch("never-set", inMs(120_000));
    expect(await namespace.exists("never-set")).toBe(false);
  });

  test("an already-expired cookie destroys the session instead of writing it", async () => {
    const { namespace, store } = fresh();
    await store.set("sid", inMs(60_000));
    await store.set("sid", inMs(-1_000));
    expect(await namespace.exists("sid")).toBe(false);
  });

  test("a corrupt entry gives StoreCorruptionError through the callback", async () => {
    const { namespace, store } = fresh();
    await namespace.set("sid", "{ not json");
    const error = await new Promise((resolve) => store.get("sid", (failure) => resolve(failure)));
    expect(StoreCorruptionError.isInstance(error)).toBe(true);
  });

  test("all, length, ids and clear stay inside the store's namespace", async () => {
    const root = fixture.root();
    const name = randomUUID();
    const mine = new SessionStore({ store: root.withNamespace(name) });
    const sibling = new SessionStore({ store: root.withNamespace(`${name}2`) });
    for (const id of ["a", "b"]) await mine.set(id, { ...inMs(60_000), user: id });
    await sibling.set("a", { ...inMs(60_000), user: "sibling" });
    expect(await mine.length()).toBe(2);
    expect((await mine.ids()).sort()).toEqual(["a", "b"]);
    expect(Object.keys(await mine.all()).sort()).toEqual(["a", "b"]);
    await mine.clear();
    expect(await mine.length()).toBe(0);
    expect((await sibling.get("a"))!.user).toBe("sibling");
  });
});
