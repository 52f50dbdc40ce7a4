import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { jsonLogger } from "../../src/log.js";

const dir = mkdtempSync(join(tmpdir(), "valhalla-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const linesOf = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("jsonLogger", () => {
  it("should write the fast request line as the same JSON an info line has", () => {
    const file = join(dir, "nested", "requests.jsonl");
    const log = jsonLogger({ replica: "a" }, { destination: file, sync: true });
    const fields = {
      request_id: 'id-"1"',
      method: "GET",
      path: '/holdings/x?q="\n',
      status: 200,
      duration_ms: 3,
      key_id: "key_1",
    };
    log.request(fields);
    log.info("request", fields);
    log.request({ ...fields, key_id: undefined, share_token_id: "shr_1" });
    const [fast, general, shared] = linesOf(file);
    expect({ ...fast, time: 0 }).toEqual({ ...general, time: 0 });
    expect(fast).toMatchObject({ level: "info", replica: "a", msg: "request", ...fields });
    expect(Date.parse(String(fast!.time))).not.toBeNaN();
    expect(shared).toMatchObject({ share_token_id: "shr_1" });
    expect(shared).not.toHaveProperty("key_id");
  });

  it("should flush buffered lines when the process exits right after logging", () => {
    const file = join(dir, "exit.jsonl");
    const script = `
      const { jsonLogger } = await import(${JSON.stringify(new URL("../../src/log.ts", import.meta.url).href)});
      const log = jsonLogger({}, { destination: ${JSON.stringify(file)} });
      for (let i = 0; i < 3; i++) log.info("line", { i });
      process.exit(0);`;
    execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
    expect(linesOf(file).map((l) => l.i)).toEqual([0, 1, 2]);
  });

  it("should take the log file from VALHALLA_LOG_FILE, relative to the working directory", () => {
    expect(loadConfig({ VALHALLA_LOG_FILE: "logs/v.jsonl" }, dir).logFile).toBe(join(dir, "logs/v.jsonl"));
    expect(loadConfig({}, dir).logFile).toBeUndefined();
  });
});
