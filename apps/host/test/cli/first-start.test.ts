import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};
const tsx = ["--import", "tsx", "--conditions=@valhalla/source", cli];

const run = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [...tsx, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });

/** Start `valhalla serve`; resolves once it logs "listening" (or rejects with its exit). */
function serve(env: Record<string, string>): Promise<{
  child: ChildProcess;
  out: () => string;
  err: () => string;
  errMatching: (re: RegExp) => Promise<RegExpExecArray>;
}> {
  const child = spawn(process.execPath, [...tsx, "serve"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  // stdout and stderr are separate pipes: wait for what stderr says, not for its order with stdout.
  const errMatching = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(err);
        if (m) resolve(m);
      };
      check();
      child.stderr!.on("data", check);
      child.once("exit", () => reject(new Error(`exited before printing ${re}: ${err}`)));
    });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes('"msg":"listening"')) resolve({ child, out: () => out, err: () => err, errMatching });
    });
    child.once("exit", (code) => reject(Object.assign(new Error(`exited ${code}`), { code, out, err })));
  });
}

describe("valhalla: first start and usage", () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let blocker: Server | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
    blocker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("should refuse a taken port in one line without spending the first key, then print it to stderr once bound", async () => {
    dir = mkdtempSync(join(tmpdir(), "valhalla-first-"));
    blocker = createServer();
    const taken = await new Promise<number>((r) =>
      blocker!.listen(0, "127.0.0.1", () => r((blocker!.address() as { port: number }).port)),
    );
    const env = {
      VALHALLA_STORAGE: `sqlite:${join(dir, "db.sqlite")}`,
      HOST: "127.0.0.1",
      PORT: String(taken),
    };

    const refused = await serve(env).then(
      () => null,
      (e: { code: number; out: string; err: string }) => e,
    );
    expect(refused?.code).toBe(3);
    expect(refused?.err.trim()).toBe(
      `valhalla: cannot listen on 127.0.0.1:${taken} (the port is in use); set PORT to another port.`,
    );
    expect(`${refused?.out}${refused?.err}`).not.toContain("vk_");

    const started = await serve({ ...env, PORT: "0" });
    child = started.child;
    const [key] = await started.errMatching(/vk_key_bootstrap_[A-Za-z0-9_-]{43}/);
    expect(key).toMatch(/^vk_key_bootstrap_/);
    // The secret is for the person at the terminal, never for the log stream.
    expect(started.out()).not.toContain("vk_");
  });

  it("should recover access with keys create --admin against the store", () => {
    dir = mkdtempSync(join(tmpdir(), "valhalla-first-"));
    const res = run(["keys", "create", "--admin"], { VALHALLA_STORAGE: `sqlite:${join(dir, "db.sqlite")}` });
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/vk_key_[A-Za-z0-9]+_[A-Za-z0-9_-]{43}/);
    expect(res.stdout).toContain("'recovered admin' with scopes admin");
  });

  it("should refuse a key scope naming a pack that is not installed", () => {
    const res = run(["keys", "create", "--name", "x", "--scopes", "holdings:read,nope:read"], {
      VALHALLA_STORAGE: "memory:",
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("Unknown pack in scope 'nope:read'; installed packs: ");
  });

  it("should print its version, and exit 2 with a clear message on an unknown option", () => {
    const version = run(["--version"], { VALHALLA_STORAGE: "memory:" });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const bad = run(["validate", "--nope"], { VALHALLA_STORAGE: "memory:" });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe(
      "valhalla: Unknown option '--nope'. Run 'valhalla help' for the commands and options.",
    );
  });
});
