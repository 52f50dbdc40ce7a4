import { type Driver, type Lease, memory, type StoredRecord, type WriteRequest } from "@valhalla/runtime";
import { recordingDriver } from "@valhalla/runtime/testing";
import { describe, expect, it, vi } from "vitest";

const rec = (id: string, rev = 1): StoredRecord => ({ id, rev, value: JSON.stringify({ id, rev }) });
const put = (id: string, index: Record<string, string> = {}, expectRev = 0): WriteRequest => ({
  record: rec(id, expectRev + 1),
  index,
  expectRev,
});

/** A driver whose every method returns its own token and records the arguments it was called with. */
function fakeDriver(optional: boolean) {
  const calls: [string, unknown[]][] = [];
  const method = (name: string) =>
    vi.fn((...args: unknown[]) => {
      calls.push([name, args]);
      return Promise.resolve({ from: name });
    });
  const scanned = (async function* () {})();
  const inner = {
    name: "fake",
    capabilities: { locks: "cluster", indexes: "native", durable: true },
    init: method("init"),
    ping: method("ping"),
    get: method("get"),
    write: method("write"),
    remove: method("remove"),
    list: method("list"),
    count: method("count"),
    namespaces: method("namespaces"),
    scan: vi.fn((...args: unknown[]) => {
      calls.push(["scan", args]);
      return scanned;
    }),
    acquire: method("acquire"),
    extend: method("extend"),
    release: method("release"),
    incr: method("incr"),
    now: method("now"),
    close: method("close"),
    ...(optional ? { writeMany: method("writeMany"), leaseWrites: method("leaseWrites") } : {}),
  } as unknown as Driver;
  return { inner, calls, scanned };
}

describe("recordingDriver", () => {
  it("should count the writes of each namespace exactly: one per write or remove, one per batched request", async () => {
    const d = recordingDriver(memory());
    await d.init();
    expect(await d.write("t.a", put("a1"))).toEqual({ ok: true });
    // A write that fails still reached the store.
    expect(await d.write("t.a", put("a1"))).toMatchObject({ ok: false, reason: "conflict" });
    expect(await d.writeMany!("t.b", [put("b1"), put("b2"), put("b3")])).toEqual({ ok: true });
    expect(await d.remove("t.a", "a1", 1)).toEqual({ ok: true, removed: true });
    // Reads write nothing.
    await d.get("t.c", "x");
    await d.list("t.c", { limit: 10, order: "asc" });
    await d.count("t.c");
    for await (const _ of d.scan("t.b"));
    expect(d.writes("t.a")).toBe(3);
    expect(d.writes("t.b")).toBe(3);
    expect(d.writes("t.c")).toBe(0);
    expect(d.writes("t.never")).toBe(0);
    expect([...d.written].sort()).toEqual(["t.a", "t.b"]);
  });

  it("should record each listing of a namespace, its query as passed and its row count, in order", async () => {
    const d = recordingDriver(memory());
    await d.init();
    for (const [id, kind] of [
      ["r1", "s:x"],
      ["r2", "s:y"],
      ["r3", "s:x"],
    ] as const)
      await d.write("t.rows", put(id, { kind }));
    await d.write("t.other", put("o1"));
    const byKind = { where: { kind: "s:x" }, limit: 10, order: "asc" } as const;
    const all = { limit: 2, order: "desc" } as const;
    const none = { where: { kind: "s:none" }, limit: 10, order: "asc" } as const;
    expect((await d.list("t.rows", byKind)).map((r) => r.id)).toEqual(["r1", "r3"]);
    expect((await d.list("t.rows", all)).map((r) => r.id)).toEqual(["r3", "r2"]);
    expect(await d.list("t.rows", none)).toEqual([]);
    await d.list("t.other", all);
    expect(d.listings("t.rows")).toEqual([
      { query: byKind, rows: 2 },
      { query: all, rows: 2 },
      { query: none, rows: 0 },
    ]);
    expect(d.listings("t.rows")[0]!.query).toBe(byKind);
    expect(d.listings("t.other")).toEqual([{ query: all, rows: 1 }]);
    expect(d.listings("t.never")).toEqual([]);
    // Neither the count, nor a scan, nor a write is a listing.
    await d.count("t.rows", { kind: "s:x" });
    for await (const _ of d.scan("t.rows"));
    expect(d.listings("t.rows")).toHaveLength(3);
  });

  it("should record a listing only once it returns, and not one that failed", async () => {
    const { inner } = fakeDriver(false);
    let release!: (rows: StoredRecord[]) => void;
    vi.mocked(inner.list).mockImplementationOnce(() => new Promise((r) => (release = r)));
    vi.mocked(inner.list).mockRejectedValueOnce(new Error("down"));
    const d = recordingDriver(inner);
    const pending = d.list("t.a", { limit: 5, order: "asc" });
    expect(d.listings("t.a")).toEqual([]);
    release([rec("a1")]);
    expect(await pending).toEqual([rec("a1")]);
    await expect(d.list("t.a", { limit: 5, order: "desc" })).rejects.toThrow("down");
    expect(d.listings("t.a")).toEqual([{ query: { limit: 5, order: "asc" }, rows: 1 }]);
  });

  it("should forget everything on reset, and keep recording after it", async () => {
    const d = recordingDriver(memory());
    await d.init();
    await d.write("t.a", put("a1"));
    await d.list("t.a", { limit: 10, order: "asc" });
    const lease = await d.acquire("lock:t:job", 1000);
    expect(lease).not.toBeNull();
    d.reset();
    expect(d.writes("t.a")).toBe(0);
    expect(d.listings("t.a")).toEqual([]);
    expect(d.written.size).toBe(0);
    expect(d.locked.size).toBe(0);
    await d.write("t.a", put("a2"));
    await d.list("t.a", { limit: 10, order: "asc" });
    expect(d.writes("t.a")).toBe(1);
    expect(d.listings("t.a")).toEqual([{ query: { limit: 10, order: "asc" }, rows: 2 }]);
    // The store itself was not touched by the reset.
    expect(await d.get("t.a", "a1")).toEqual(rec("a1"));
  });

  it("should give a copy of the listings, so a caller cannot change what was recorded", async () => {
    const d = recordingDriver(memory());
    await d.list("t.a", { limit: 1, order: "asc" });
    (d.listings("t.a") as unknown[]).length = 0;
    expect(d.listings("t.a")).toHaveLength(1);
  });

  it("should remember the lock keys taken", async () => {
    const d = recordingDriver(memory());
    await d.init();
    const held = (await d.acquire("lock:a:x", 1000))!;
    expect(await d.acquire("lock:a:x", 1000)).toBeNull();
    await d.acquire("lock:b:y", 1000);
    await d.release(held);
    expect([...d.locked].sort()).toEqual(["lock:a:x", "lock:b:y"]);
  });

  it.each([true, false])(
    "should pass every call, its arguments and its result through unchanged (optional methods: %s)",
    async (optional) => {
      const { inner, calls, scanned } = fakeDriver(optional);
      const d = recordingDriver(inner);
      expect(d.name).toBe("fake");
      expect(d.capabilities).toBe(inner.capabilities);
      expect("writeMany" in d).toBe(optional);
      expect("leaseWrites" in d).toBe(optional);
      const lease: Lease = { key: "k", token: "t", fence: 3, expiresAt: 9 };
      const req = put("a1");
      const query = { where: { kind: "s:x" }, limit: 3, order: "desc" } as const;
      const results = {
        init: await d.init(),
        ping: await d.ping(),
        get: await d.get("t.a", "a1"),
        write: await d.write("t.a", req),
        remove: await d.remove("t.a", "a1", 4, lease),
        list: await d.list("t.a", query),
        count: await d.count("t.a", { kind: "s:x" }),
        namespaces: await d.namespaces(),
        acquire: await d.acquire("k", 500),
        extend: await d.extend(lease, 600),
        release: await d.release(lease),
        incr: await d.incr("rate", 1000),
        now: await d.now(),
        close: await d.close(),
        ...(optional
          ? { writeMany: await d.writeMany!("t.b", [req]), leaseWrites: await d.leaseWrites!("k", 3) }
          : {}),
      };
      for (const [name, result] of Object.entries(results)) expect(result, name).toEqual({ from: name });
      expect(d.scan("t.a")).toBe(scanned);
      expect(calls).toEqual([
        ["init", []],
        ["ping", []],
        ["get", ["t.a", "a1"]],
        ["write", ["t.a", req]],
        ["remove", ["t.a", "a1", 4, lease]],
        ["list", ["t.a", query]],
        ["count", ["t.a", { kind: "s:x" }]],
        ["namespaces", []],
        ["acquire", ["k", 500]],
        ["extend", [lease, 600]],
        ["release", [lease]],
        ["incr", ["rate", 1000]],
        ["now", []],
        ["close", []],
        ...(optional
          ? [
              ["writeMany", ["t.b", [req]]],
              ["leaseWrites", ["k", 3]],
            ]
          : []),
        ["scan", ["t.a"]],
      ]);
      // The very objects, not copies.
      expect(calls[3]![1][1]).toBe(req);
      expect(calls[5]![1][1]).toBe(query);
    },
  );

  it("should close the wrapped driver, unless told to keep it open for the next host", async () => {
    const closing = fakeDriver(false);
    await recordingDriver(closing.inner).close();
    expect(closing.inner.close).toHaveBeenCalledTimes(1);
    const kept = fakeDriver(false);
    const d = recordingDriver(kept.inner, { keepOpen: true });
    await d.close();
    await d.close();
    expect(kept.inner.close).not.toHaveBeenCalled();
    // Still usable after a host closed it.
    expect(await d.get("t.a", "a1")).toEqual({ from: "get" });
  });
});
