import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const fixture = fileURLToPath(new URL("../fixtures/slow-set.ts", import.meta.url));

function serve(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=@valhalla/source", cli, "serve", "--module", fixture],
    {
      env: { ...process.env, VALHALLA_STORAGE: "memory:", PORT: "0", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const port = listeningPort(out);
      if (port !== undefined) resolve({ child, port });
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

/** The port of the `listening` log line, once a whole one arrived (fields in any order). */
function listeningPort(out: string): number | undefined {
  for (const line of out.split("\n").slice(0, -1)) {
    const entry = JSON.parse(line) as { msg?: string; port?: number };
    if (entry.msg === "listening") return entry.port;
  }
  return undefined;
}

describe("valhalla serve", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
  });

  it("should finish in-flight requests on SIGTERM, then exit 0", async () => {
    const started = await serve();
    child = started.child;
    const inflight = fetch(`http://127.0.0.1:${started.port}/slow`);
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${started.port}/healthz`)).rejects.toThrow();
  });
});
