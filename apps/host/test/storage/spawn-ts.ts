import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** Node flags that run TypeScript sources (tsx, resolved from here so any cwd works). */
export const TS_NODE_ARGS: readonly string[] = [
  "--import",
  pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href,
  "--conditions=@valhalla/source",
];

/** Start a TypeScript file in a child Node process (no build needed). */
export function spawnTs(file: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...TS_NODE_ARGS, file], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Resolve with the first stdout line parsed as JSON (e.g. the port a host listens on). */
export function firstLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    const onData = (d: Buffer) => {
      out += d;
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        child.stdout!.off("data", onData);
        resolve(JSON.parse(out.slice(0, nl)) as T);
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`child exited ${code} before answering: ${err}`)));
  });
}

/** Resolve with every stdout line parsed as JSON once the child exits 0. */
export function allLines<T>(child: ChildProcess): Promise<T[]> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`child exited ${code}: ${err}`));
      else
        resolve(
          out
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as T),
        );
    });
  });
}
