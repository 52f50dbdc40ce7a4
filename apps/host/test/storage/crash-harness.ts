import type { Driver } from "@valhalla/runtime";
import { expect } from "vitest";

// Writers and checks shared by the crash tests (random SIGKILLs, named crash points): writers
// remember only what the host acknowledged; the checks read the store while the host is down.

/** The namespace the ops pack's boxes live in. */
export const NS = "opstest.boxes";

/** What a writer knows was acknowledged for one box: its rev and the operations appended. */
export interface Acked {
  rev: number;
  group: string;
  ops: string[];
}

/** One writer: creates boxes and appends to its own latest box; remembers only what got a 2xx. */
export async function writer(
  base: string,
  w: number,
  acked: Map<string, Acked>,
  alive: () => boolean,
  seq: { n: number },
) {
  let mine: string | undefined;
  while (alive()) {
    try {
      if (!mine || Math.random() < 0.3) {
        const group = `g${w % 3}`;
        const res = await fetch(`${base}/opstest`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ group }),
          signal: AbortSignal.timeout(3000),
        });
        if (res.status === 201) {
          const box = (await res.json()) as { id: string; rev: number };
          acked.set(box.id, { rev: box.rev, group, ops: [] });
          mine = box.id;
        } else await res.arrayBuffer();
        continue;
      }
      const got = await fetch(`${base}/opstest/${mine}`, { signal: AbortSignal.timeout(3000) });
      const etag = got.headers.get("etag");
      await got.arrayBuffer();
      if (got.status !== 200 || !etag) continue;
      const op = `w${w}-${seq.n++}`;
      const res = await fetch(`${base}/opstest/${mine}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", "if-match": etag },
        body: JSON.stringify({ op }),
        signal: AbortSignal.timeout(3000),
      });
      if (res.status === 200) {
        const box = (await res.json()) as { rev: number };
        const a = acked.get(mine)!;
        a.rev = box.rev;
        a.ops.push(op);
      } else await res.arrayBuffer();
    } catch {
      // The host died under us: this request is unacknowledged, whatever it did.
    }
  }
}

/**
 * Check a store through its driver: every record's rev matches its JSON, the `group` index holds
 * exactly the records of each group, and every acknowledged write is there (rev at least as high,
 * operations in order). Returns the records by id.
 */
export async function verifyThroughDriver(driver: Driver, acked: Map<string, Acked>) {
  const rows = new Map<string, { rev: number; rec: { rev: number; group: string; ops: string[] } }>();
  for await (const row of driver.scan(NS))
    rows.set(row.id, {
      rev: row.rev,
      rec: JSON.parse(row.value) as { rev: number; group: string; ops: string[] },
    });
  for (const { rev, rec } of rows.values()) expect(rec.rev).toBe(rev);
  for (const group of ["g0", "g1", "g2"]) {
    const listed = await driver.list(NS, { where: { group: `s:${group}` }, limit: 100_000, order: "asc" });
    const want = [...rows].filter(([, r]) => r.rec.group === group).map(([id]) => id);
    expect(listed.map((r) => r.id).sort()).toEqual(want.sort());
  }
  for (const [id, a] of acked) {
    const row = rows.get(id);
    expect(row, `acknowledged ${id} is missing`).toBeDefined();
    expect(row!.rev).toBeGreaterThanOrEqual(a.rev);
    expect(row!.rec.ops.slice(0, a.ops.length)).toEqual(a.ops);
  }
  return rows;
}
