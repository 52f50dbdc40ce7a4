import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHost, silentLogger } from "@valhalla/host";
import { budget } from "@valhalla/pack-budget";

const n = Number(process.argv[2] ?? 10000);
const storage = process.argv[3] === "memory" ? "memory:" : `sqlite:${join(mkdtempSync(join(tmpdir(), "imp-")), "t.db")}`;
const host = await createHost({ packs: [budget], storage, log: silentLogger, auth: { disabled: true }, timezone: "UTC", now: () => new Date("2026-12-20T12:00:00Z"), bodyLimitBytes: 64 * 1024 * 1024, timeoutMs: 600_000 });
const call = async (method: string, path: string, body?: unknown) => {
  const res = await host.fetch(new Request(`http://x${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }));
  return { status: res.status, body: await res.json() };
};
const acct = (await call("POST", "/budget/accounts", { name: "A", type: "checking", opening_date: "2026-01-01" })).body;
const rows = ["Date,Payee,Amount"];
for (let i = 0; i < n; i++) rows.push(`2026-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")},Payee ${i},-${(i % 500) + 1}.${String(i % 100).padStart(2, "0")}`);
const t0 = performance.now();
const r = await call("POST", `/budget/accounts/${acct.id}/import`, { format: "csv", content: rows.join("\n"), mapping: { date: "Date", payee: "Payee", amount: "Amount" } });
const ms = performance.now() - t0;
if (r.status !== 200) console.log(JSON.stringify(r.body).slice(0, 400));
console.log(JSON.stringify({ n, storage: storage.split(":")[0], status: r.status, created: r.body.created, ms: Math.round(ms), rss_mb: Math.round(process.memoryUsage().rss / 1e6) }));
await host.close();
