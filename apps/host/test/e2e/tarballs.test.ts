import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lexerReady, packageProblems, publishableDirs } from "./package-checks.js";

// A third party's view: every publishable package packed with `npm pack`, installed from the
// tarballs into an empty project outside the workspace (no links, no hoisted workspace deps),
// the custom host compiled there with plain `tsc` against the shipped types and run with `node`.
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const hostExample = join(root, "examples/custom-host");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let work: string;
let app: string;
let child: ChildProcess | undefined;
let base: string;
const names: string[] = [];
let tarballDeps: Record<string, string> = {};

const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8", stdio: "pipe" });

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Admin secret the installed host accepts (VALHALLA_ADMIN_KEY): the API is authenticated by default. */
const ADMIN_KEY = "tarball-test-admin-secret-0123456789abcdef";

function startHost(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, ["dist/main.js"], {
    cwd: app,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`host did not start: ${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      // The `listening` log line, whatever the order of its fields.
      const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
      const m = line ? /"port":(\d+)/.exec(line) : null;
      if (m) {
        clearTimeout(timer);
        resolve({ child: proc, port: Number(m[1]) });
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited ${code}: ${out}`));
    });
  });
}

/** Third-party dependencies of the published packages, at the versions the repository's lockfile holds. */
function lockedThirdParty(): Record<string, string> {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  const out: Record<string, string> = {};
  for (const dir of [...publishableDirs(root), "apps/valhalla", "examples/custom-host"]) {
    const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const version = lock.packages[`node_modules/${dep}`]?.version;
      if (!dep.startsWith("@valhalla") && version) out[dep] = version;
    }
  }
  return out;
}

/** The locked version of each third-party package a manifest depends on directly. */
const directLocked = (direct: Record<string, string>) =>
  Object.fromEntries(Object.entries(lockedThirdParty()).filter(([n]) => n in direct));
/** The locked versions of the other third-party packages (npm refuses an override of a direct one). */
const indirectLocked = (direct: Record<string, string>) =>
  Object.fromEntries(Object.entries(lockedThirdParty()).filter(([n]) => !(n in direct)));

describe("packages installed from tarballs", () => {
  beforeAll(async () => {
    run(process.execPath, ["scripts/ensure-built.mjs"], root);
    work = mkdtempSync(join(tmpdir(), "valhalla-tarballs-"));
    const tarballs = join(work, "tarballs");
    app = join(work, "app");
    mkdirSync(tarballs);
    mkdirSync(app);

    const deps: Record<string, string> = {};
    for (const dir of publishableDirs(root)) {
      const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
      const file = run(npm, ["pack", "--silent", "--pack-destination", tarballs, `./${dir}`], root).trim();
      deps[pkg.name] = `file:../tarballs/${basename(file.split("\n").pop()!)}`;
      names.push(pkg.name);
    }
    // The `valhalla` distribution (a bin and dependencies, no exports of its own).
    const dist = run(
      npm,
      ["pack", "--silent", "--pack-destination", tarballs, "./apps/valhalla"],
      root,
    ).trim();
    deps.valhalla = `file:../tarballs/${basename(dist.split("\n").pop()!)}`;
    tarballDeps = { ...deps };
    // The custom host's own manifest, with our packages swapped for the tarballs.
    const example = JSON.parse(readFileSync(join(hostExample, "package.json"), "utf8"));
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify(
        {
          name: "third-party-host",
          private: true,
          type: "module",
          dependencies: { ...example.dependencies, ...directLocked(example.dependencies), ...deps },
          devDependencies: {
            typescript: rootPkg.devDependencies.typescript,
            "@types/node": rootPkg.devDependencies["@types/node"],
            vitest: rootPkg.devDependencies.vitest,
          },
          // Pin every internal range to the tarball, so nothing is fetched from a registry under our names,
          // and every third-party range to the version this repository's lockfile installs, as the
          // consumer's own lockfile would: the test stays reproducible whatever the registry has since.
          overrides: {
            ...indirectLocked(example.dependencies),
            ...Object.fromEntries(names.map((n) => [n, `$${n}`])),
          },
        },
        null,
        2,
      ),
    );
    // Install scripts are skipped: the only one is better-sqlite3's native build, which takes minutes
    // on two cores; its compiled addon is reused from the workspace when the versions match.
    run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], app);
    const req = createRequire(join(root, "apps/host/package.json"));
    const ours = join(req.resolve("better-sqlite3/package.json"), "..");
    const theirs = join(app, "node_modules/better-sqlite3");
    const version = (d: string) => JSON.parse(readFileSync(join(d, "package.json"), "utf8")).version;
    const addon = join(ours, "build/Release/better_sqlite3.node");
    if (version(ours) === version(theirs) && existsSync(addon)) {
      mkdirSync(join(theirs, "build/Release"), { recursive: true });
      copyFileSync(addon, join(theirs, "build/Release/better_sqlite3.node"));
    } else {
      run(npm, ["rebuild", "better-sqlite3"], app);
    }

    cpSync(join(hostExample, "src"), join(app, "src"), { recursive: true });
    copyFileSync(join(hostExample, "tsconfig.json"), join(app, "tsconfig.json"));
    // Type-checks the host against the shipped .d.ts files (NodeNext, strict): missing types fail here.
    run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], app);
    // A consumer that also checks every shipped .d.ts (skipLibCheck off): a type imported from an
    // optional peer the consumer never installed (pg, ioredis, unstorage) would be TS2307 here.
    mkdirSync(join(app, "consumer"));
    writeFileSync(
      join(app, "consumer/index.ts"),
      [
        'import { createHost, type Host } from "@valhalla/host";',
        'import { holdings } from "@valhalla/pack-holdings";',
        'import { type Driver, memory, type PostgresDriverOptions, type UnstorageDriverOptions } from "@valhalla/runtime";',
        "export const driver: Driver = memory();",
        "export type Options = PostgresDriverOptions | UnstorageDriverOptions;",
        "export const host: Promise<Host> = createHost({ packs: [holdings], storage: driver });",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(app, "consumer/tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          types: ["node"],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
        },
        include: ["index.ts"],
      }),
    );
    run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "consumer/tsconfig.json"], app);

    const started = await startHost({
      PORT: "0",
      HOST: "127.0.0.1",
      VALHALLA_STORAGE: `sqlite:${join(work, "store.db")}`,
      VALHALLA_TZ: "UTC",
      VALHALLA_ADMIN_KEY: ADMIN_KEY,
    });
    child = started.child;
    base = `http://127.0.0.1:${started.port}`;
  }, 240_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("should install every package with its exports, types and declared dependencies", async () => {
    await lexerReady;
    expect(names).toEqual(
      expect.arrayContaining([
        "@valhalla/runtime",
        "@valhalla/pack-bills",
        "@valhalla/pack-budget",
        "@valhalla/host",
        "@valhalla-examples/pack-inventory",
      ]),
    );
    for (const name of names) {
      const dir = join(app, "node_modules", name);
      expect(existsSync(dir), name).toBe(true);
      expect(packageProblems(dir)).toEqual([]);
    }
  });

  it("should serve a valid registry of the third-party pack set", async () => {
    const res = await call("GET", "/registry/validate");
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.packs.map((p: { code: string }) => p.code)).toEqual(["inventory", "bills", "budget"]);
    expect((await call("GET", "/healthz")).body).toEqual({ status: "ok" });
  });

  it("should serve both packs' routes, with problems naming bad fields", async () => {
    const item = await call("POST", "/inventory", { name: "Dish soap", quantity: 0, low_threshold: 1 });
    expect(item.status).toBe(201);
    expect(item.body).toMatchObject({ low: true, rev: 1 });
    expect((await call("GET", "/inventory/low")).body.items).toHaveLength(1);
    const bill = await call("POST", "/bills", {
      name: "Rent",
      payee: "Landlord LLC",
      currency: "USD",
      amount: "1500.00",
      cadence: "monthly",
      anchor_date: "2026-01-31",
    });
    expect(bill.status).toBe(201);
    const bucket = await call("POST", "/budget/buckets", {
      name: "Groceries",
      type: "essentials",
      monthly_limit: "900.00",
      priority: "A",
    });
    expect(bucket.status).toBe(201);
    const bad = await call("POST", "/inventory", { name: "Rice", quantity: "lots", low_threshold: 1 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain("quantity");
    const spec = (await call("GET", "/openapi.json")).body;
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(["/inventory/shopping/push", "/bills", "/budget/buckets"]),
    );
  });

  it("should run the low-stock job through the scheduler's lease, idempotently", async () => {
    const env = { ...process.env, VALHALLA_STORAGE: `sqlite:${join(work, "store.db")}`, VALHALLA_TZ: "UTC" };
    const once = () =>
      JSON.parse(
        execFileSync(process.execPath, ["dist/run-job.js", "inventory", "low-stock"], {
          cwd: app,
          env,
          encoding: "utf8",
        }),
      );
    expect(once()).toMatchObject({ job: "inventory/low-stock", result: { outcome: "success", error: null } });
    // And over HTTP on the running host: 202 with a run id, then the history shows both runs.
    const manual = await call("POST", "/jobs/inventory/low-stock/run");
    expect(manual.status).toBe(202);
    expect(manual.body.run_id).toBeTruthy();
    let runs: { outcome: string | null }[] = [];
    for (let i = 0; i < 50; i++) {
      runs = (await call("GET", "/jobs/inventory/low-stock/runs")).body.items;
      if (runs.length >= 2 && runs.every((r) => r.outcome)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs.map((r) => r.outcome)).toEqual(["success", "success"]);
    const list = await call("GET", "/inventory/shopping?status=open");
    expect(list.body.items.map((e: { name: string; quantity: number }) => [e.name, e.quantity])).toEqual([
      ["Dish soap", 2],
    ]);
  });

  it("should run packSuite from the installed @valhalla/runtime/testing", () => {
    writeFileSync(
      join(app, "pack.test.mjs"),
      [
        'import { packSuite } from "@valhalla/runtime/testing";',
        'import { inventory } from "@valhalla-examples/pack-inventory";',
        'import { holdings } from "@valhalla/pack-holdings";',
        "packSuite({ pack: inventory });",
        "packSuite({ pack: holdings });",
        "",
      ].join("\n"),
    );
    const out = run(
      process.execPath,
      ["node_modules/vitest/vitest.mjs", "run", "--root", app, "pack.test.mjs"],
      app,
      {
        CI: "true",
        NO_COLOR: "1",
      },
    );
    expect(out).toMatch(/Tests\s+\d+ passed/);
    expect(out).not.toMatch(/failed/);
  });

  it("should run the valhalla distribution's bin with all seven packs", () => {
    expect(run(join(app, "node_modules/.bin/valhalla"), ["--version"], app).trim()).toBe("0.1.0");
    const packs = run(join(app, "node_modules/.bin/valhalla"), ["packs", "--json"], app, {
      VALHALLA_STORAGE: "memory:",
    });
    expect((JSON.parse(packs) as { code: string }[]).map((p) => p.code)).toEqual([
      "holdings",
      "wholesale",
      "dispo",
      "underwriter",
      "pipeline",
      "bills",
      "budget",
    ]);
  });

  it("should install only what the custom host uses: no other first-party pack, no unused database client", () => {
    // The custom host's manifest alone, from the tarballs, in a project of its own.
    const own = join(work, "custom-only");
    mkdirSync(own);
    const example = JSON.parse(readFileSync(join(hostExample, "package.json"), "utf8"));
    const mine = Object.fromEntries(
      Object.keys(example.dependencies).map((n) => [
        n,
        tarballDeps[n] ?? lockedThirdParty()[n] ?? example.dependencies[n],
      ]),
    );
    writeFileSync(
      join(own, "package.json"),
      JSON.stringify({
        name: "custom-only",
        private: true,
        type: "module",
        dependencies: mine,
        overrides: Object.fromEntries(Object.entries(tarballDeps).map(([n, spec]) => [n, spec])),
      }),
    );
    run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], own);
    const has = (name: string) => existsSync(join(own, "node_modules", name, "package.json"));
    expect(has("@valhalla/host")).toBe(true);
    for (const used of Object.keys(example.dependencies)) expect(has(used), used).toBe(true);
    const unused = [
      "@valhalla/pack-holdings",
      "@valhalla/pack-wholesale",
      "@valhalla/pack-dispo",
      "@valhalla/pack-underwriter",
      "@valhalla/pack-pipeline",
      "pg",
      "ioredis",
    ].filter((n) => !(n in example.dependencies));
    expect(unused.filter(has)).toEqual([]);
    expect(unused.length).toBeGreaterThanOrEqual(7);
  }, 180_000);
});
