/**
 * `npm run bench:wakeups`: how much kernel time a server pays per request on this bench's loopback
 * set-up as a function of its own speed, with the same syscalls for every request.
 *
 * A `node:http` server answers the same 600-byte JSON to every request, after spinning a fixed
 * number of microseconds of user CPU, and autocannon (10 connections, on the same 2 cores) loads
 * it. The table gives the server's user and system CPU per request, from `process.cpuUsage()`.
 * Every request costs one `read` and one `writev` whatever the spin, yet the system time grows as
 * the server slows: its `writev` delivers the answer to a client that is more often idle, and
 * waking it (on loopback, in the writer's context) is billed to the server. So on this set-up the
 * req/s and CPU ratios of a slower server against a faster one are wider than the difference in
 * their own work (the callgrind instruction counts), and the results say by how much.
 *
 * Writes `bench/results/wakeups.md`.
 * @module
 */
import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { drive } from "./lib/load.js";

const SPINS_US = [0, 15, 30, 45, 0, 30];
const SECONDS = Number(process.env.BENCH_WAKEUP_SECONDS ?? 4);

interface Usage {
  readonly user: number;
  readonly system: number;
}

if (process.argv[2] === "server") serve(Number(process.argv[3]));
else await main();

/** The child: answer every request after `spinUs` of user CPU; report `cpuUsage` when asked. */
function serve(spinUs: number): void {
  const body = JSON.stringify({ id: "ast_0", label: "x".repeat(570) });
  const server = createServer((_req, res) => {
    const until = performance.now() + spinUs / 1000;
    while (performance.now() < until) {
      // Stands for a server's own per-request work.
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on("message", () => process.send!(process.cpuUsage()));
}

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const spin of SPINS_US) {
    const child = fork(fileURLToPath(import.meta.url), ["server", String(spin)], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    const ask = <T>(msg?: string) =>
      new Promise<T>((resolve) => {
        child.once("message", (m) => resolve(m as T));
        if (msg) child.send(msg);
      });
    const { port } = await ask<{ port: number }>();
    await drive({ port, seconds: 1, connections: 10 });
    const before = await ask<Usage>("cpu");
    const r = await drive({ port, seconds: SECONDS, connections: 10 });
    const after = await ask<Usage>("cpu");
    child.kill();
    const per = (us: number) => (r.requests ? (us / r.requests).toFixed(1) : "0");
    const row = `| ${spin} | ${r.rps} | ${per(after.user - before.user)} | ${per(after.system - before.system)} | ${r.errors} |`;
    console.log(row);
    rows.push(row);
  }
  const md = [
    "# Loopback wake-ups: system time per request against the server's own work",
    "",
    `Date ${new Date().toISOString()} · Node ${process.version} · ${SECONDS} s per row, 10 connections`,
    "",
    "| spin (µs of user CPU per request) | req/s | µs user/req | µs system/req | errors |",
    "|---:|---:|---:|---:|---:|",
    ...rows,
    "",
  ].join("\n");
  writeFileSync(new URL("results/wakeups.md", import.meta.url), md);
  console.log("wrote bench/results/wakeups.md");
}
