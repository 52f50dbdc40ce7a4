import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import { LineBatch } from "../../src/line-batch.js";
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

  it("should stamp each request line with its own millisecond, as toISOString writes it", () => {
    const file = join(dir, "times.jsonl");
    const log = jsonLogger({}, { destination: file, sync: true });
    // Same second, new milliseconds (one, two and three digits), the next second, a year change.
    const instants = [
      Date.UTC(2026, 11, 5, 4, 40, 48, 0),
      Date.UTC(2026, 11, 5, 4, 40, 48, 7),
      Date.UTC(2026, 11, 5, 4, 40, 48, 7),
      Date.UTC(2026, 11, 5, 4, 40, 48, 42),
      Date.UTC(2026, 11, 5, 4, 40, 48, 999),
      Date.UTC(2026, 11, 5, 4, 40, 49, 5),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2027, 0, 1, 0, 0, 0, 120),
    ];
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      for (const t of instants) {
        vi.setSystemTime(t);
        log.request({ request_id: "r", method: "GET", path: "/", status: 200, duration_ms: 0 });
      }
    } finally {
      vi.useRealTimers();
    }
    expect(linesOf(file).map((l) => l.time)).toEqual(instants.map((t) => new Date(t).toISOString()));
  });

  it("should keep buffered request lines and other lines in the order they were logged", () => {
    const file = join(dir, "order.jsonl");
    const log = jsonLogger({}, { destination: file });
    for (let i = 0; i < 300; i++) {
      log.request({ request_id: `r${i}`, method: "GET", path: `/p/${i}`, status: 200, duration_ms: 0 });
      if (i % 100 === 0) log.info("mark", { i });
      if (i % 150 === 0) log.warn("warned", { i });
    }
    log.flush();
    const seen = linesOf(file).map((l) => (l.msg === "request" ? l.request_id : `${l.msg}:${l.i}`));
    const want: string[] = [];
    for (let i = 0; i < 300; i++) {
      want.push(`r${i}`);
      if (i % 100 === 0) want.push(`mark:${i}`);
      if (i % 150 === 0) want.push(`warned:${i}`);
    }
    expect(seen).toEqual(want);
  });

  it("should escape what JSON must escape in the request line, and only that", () => {
    const file = join(dir, "escape.jsonl");
    const log = jsonLogger({}, { destination: file, sync: true });
    const paths = ["/a/b?c=d&e=f", '/q="x"', "/back\\slash", "/tab\there", "/ünï", "/\u007f", ""];
    for (const path of paths)
      log.request({ request_id: "id", method: "GET", path, status: 200, duration_ms: 1 });
    expect(linesOf(file).map((l) => l.path)).toEqual(paths);
  });

  it("should write batched lines to a file as UTF-8, whatever their characters", () => {
    for (const base of [{}, { replica: "zürich-✓" }]) {
      const file = join(dir, `batched-${Object.keys(base).length}.jsonl`);
      const log = jsonLogger(base, { destination: file });
      const paths = ["/plain", "/ünï/€/😀", "/lone\ud800", '/q="x"'];
      for (const path of paths)
        log.request({ request_id: "id", method: "GET", path, status: 200, duration_ms: 1, key_id: "kéy" });
      // A piece of request lines alone, then one mixed with another line.
      log.flush();
      log.info("started", { note: "naïve ✓" });
      log.request({ request_id: "after", method: "GET", path: "/ü", status: 200, duration_ms: 1 });
      log.flush();
      const raw = readFileSync(file);
      expect(raw.toString("utf8")).not.toContain("\ufffd");
      const lines = linesOf(file);
      expect(lines.map((l) => l.path ?? l.note)).toEqual([...paths, "naïve ✓", "/ü"]);
      expect(lines[0]?.key_id).toBe("kéy");
      expect(lines.every((l) => l.replica === (base as { replica?: string }).replica)).toBe(true);
    }
  });

  it("should tell its destination when a piece holds only ASCII lines", () => {
    const writes: [string, boolean | undefined][] = [];
    const batch = new LineBatch({ write: (d, a) => writes.push([d, a]) > 0, flushSync() {} });
    batch.write("a\n", true);
    batch.write("b\n", true);
    batch.flushSync();
    batch.write("c\n", true);
    batch.write("ü\n");
    batch.flushSync();
    batch.write("d\n", true);
    batch.flushSync();
    expect(writes).toEqual([
      ["a\nb\n", true],
      ["c\nü\n", false],
      ["d\n", true],
    ]);
  });

  it("should hand a batch to its destination in pieces, on a timer, and when flushed", () => {
    vi.useFakeTimers();
    try {
      const writes: string[] = [];
      let synced = 0;
      const batch = new LineBatch(
        { write: (d) => writes.push(d) > 0, flushSync: () => void synced++ },
        { maxChars: 100, everyMs: 50 },
      );
      const line = `${"x".repeat(29)}\n`; // 30 characters
      for (let i = 0; i < 7; i++) batch.write(line);
      // 4 lines reach 120 ≥ 100 characters: one piece; the other 3 wait.
      expect(writes).toEqual([line.repeat(4)]);
      vi.advanceTimersByTime(49);
      expect(writes).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(writes).toEqual([line.repeat(4), line.repeat(3)]);
      batch.write(line);
      batch.flushSync();
      expect(writes).toEqual([line.repeat(4), line.repeat(3), line]);
      expect(synced).toBe(1);
      // Nothing pending: the timer of the flushed line is gone and a flush writes nothing more.
      vi.advanceTimersByTime(1000);
      batch.flushSync();
      expect(writes).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("should take the log file from VALHALLA_LOG_FILE, relative to the working directory", () => {
    expect(loadConfig({ VALHALLA_LOG_FILE: "logs/v.jsonl" }, dir).logFile).toBe(join(dir, "logs/v.jsonl"));
    expect(loadConfig({}, dir).logFile).toBeUndefined();
  });
});
