import { exportDump, InvalidValueError, importDump, memory } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";

const line = (ns: string, id: string, rev: number, value: object, index?: object) =>
  `${JSON.stringify({ ns, id, rev, value, ...(index ? { index } : {}) })}\n`;

async function* chunks(text: string, size: number) {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

describe("importDump", () => {
  it("should reassemble lines and multi-byte characters split across byte chunks", async () => {
    const driver = memory();
    const text =
      line("a.items", "x1", 3, { id: "x1", rev: 3, name: "日本 🌍", code: "007" }, { kind: "s:a" }) +
      line("a.items", "x2", 1, { id: "x2", rev: 1, kind: "b" });
    expect(await importDump(driver, chunks(text, 5), { indexes: new Map([["a.items", ["kind"]]]) })).toEqual({
      records: 2,
    });
    expect(JSON.parse((await driver.get("a.items", "x1"))!.value)).toEqual({
      id: "x1",
      rev: 3,
      name: "日本 🌍",
      code: "007",
    });
    expect(await driver.count("a.items", { kind: "s:a" })).toBe(1);
    // x2 carried no index: it was recomputed from the declared fields.
    expect(
      (await driver.list("a.items", { where: { kind: "s:b" }, limit: 5, order: "asc" })).map((r) => r.id),
    ).toEqual(["x2"]);
  });

  it("should name the line of a bad record and refuse values no driver can store", async () => {
    const good = line("a.items", "x1", 1, { id: "x1" });
    for (const [bad, why] of [
      ["{not json", /Line 2: not JSON/],
      [line("a.items", "bad/id", 1, {}), /Line 2: 'id'/],
      [line("a.items", "x2", 0, {}), /Line 2: 'rev'/],
      [line("", "x2", 1, {}), /Line 2: 'ns'/],
      [line("a.items", "x2", 1, { s: "\u0000" }), /NUL/],
    ] as const) {
      const err = await importDump(memory(), [good + bad]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidValueError);
      expect((err as Error).message).toMatch(why);
    }
  });

  it("should export only what the filter keeps, with declared index values", async () => {
    const driver = memory();
    await importDump(driver, [
      line("a.items", "x1", 1, { kind: "k" }) + line("b.items", "y1", 2, { kind: "k" }),
    ]);
    const out: string[] = [];
    for await (const l of exportDump(driver, {
      filter: (ns) => ns.startsWith("a."),
      indexes: new Map([["a.items", ["kind"]]]),
    })) {
      out.push(l);
    }
    expect(out.map((l) => JSON.parse(l))).toEqual([
      { ns: "a.items", id: "x1", rev: 1, value: { kind: "k" }, index: { kind: "s:k" } },
    ]);
  });
});
