import { mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "@valhalla/runtime";
import pino from "pino";

/** Where {@link jsonLogger} writes. @public */
export interface JsonLoggerOptions {
  /**
   * A file path (appended to, created if missing) or a file descriptor for every line. When unset,
   * info lines go to stdout and warnings and errors to stderr. `VALHALLA_LOG_FILE` for `valhalla serve`.
   */
  readonly destination?: string | number;
  /**
   * Write each line before returning. Otherwise lines are buffered and leave within 100 ms (or
   * when 8 KiB gather, or at exit). @default false
   */
  readonly sync?: boolean;
}

/** The request log line's fields (the envelope writes one per request). @public */
export interface RequestLine {
  readonly request_id: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly duration_ms: number;
  readonly key_id?: string | undefined;
  readonly share_token_id?: string | undefined;
}

/** A {@link Logger} whose pending lines can be written out before the process ends. @public */
export interface FlushableLogger extends Logger {
  /** Write every buffered line now (synchronously). */
  flush(): void;
  /**
   * The per-request line, `msg: "request"`, the same JSON as `info("request", fields)` but
   * serialized by hand: it is written once per request, where a general serializer showed up in
   * profiles.
   */
  request(line: RequestLine): void;
}

/** Whether `log` has the fast per-request line. @internal */
export function hasRequestLine(log: Logger): log is FlushableLogger {
  return typeof (log as Partial<FlushableLogger>).request === "function";
}

/**
 * Structured JSON lines (`{"level":"info","time":"…","msg":"request",…}`) written by pino through
 * an asynchronous, buffered destination: a request never waits on the terminal or the disk, and
 * lines leave in batches within 100 ms. Pending lines are flushed when the process exits.
 * @example
 * const log = jsonLogger({ replica: "a" }, { destination: "/var/log/valhalla.jsonl" });
 * log.info("started", { port: 3000 });
 * @public
 */
export function jsonLogger(
  base: Record<string, unknown> = {},
  options: JsonLoggerOptions = {},
): FlushableLogger {
  const sync = options.sync ?? false;
  const destination = (target: string | number) => {
    // A file is opened here, synchronously: opened asynchronously, a process exiting at once (a
    // CLI error, a test) could not flush its last lines.
    const dest = typeof target === "string" ? openLogFile(target) : target;
    // Lines gather in an 8 KiB buffer written when full and at least every 100 ms (and at exit),
    // so a busy server makes a few writes a second instead of one per request.
    return pino.destination(sync ? { dest, sync } : { dest, sync, minLength: 8192, periodicFlush: 100 });
  };
  const make = (stream: ReturnType<typeof destination>) =>
    pino(
      {
        base,
        messageKey: "msg",
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      stream,
    );
  const stream = destination(options.destination ?? 1);
  const out = make(stream);
  const err = options.destination === undefined ? make(destination(2)) : out;
  const baseJson = JSON.stringify(base).slice(1, -1);
  const prefix = `{"level":"info","time":"`;
  const middle = `"${baseJson ? `,${baseJson}` : ""},"msg":"request","request_id":`;
  return {
    request(l) {
      if (!out.isLevelEnabled("info")) return;
      const who =
        l.key_id !== undefined
          ? `,"key_id":${JSON.stringify(l.key_id)}`
          : l.share_token_id !== undefined
            ? `,"share_token_id":${JSON.stringify(l.share_token_id)}`
            : "";
      stream.write(
        `${prefix}${new Date().toISOString()}${middle}${JSON.stringify(l.request_id)},"method":"${l.method}","path":${JSON.stringify(l.path)},"status":${l.status},"duration_ms":${l.duration_ms}${who}}\n`,
      );
    },
    info: (m, f) => (f ? out.info(f, m) : out.info(m)),
    warn: (m, f) => (f ? err.warn(f, m) : err.warn(m)),
    error: (m, f) => (f ? err.error(f, m) : err.error(m)),
    flush() {
      out.flush();
      if (err !== out) err.flush();
    },
  };
}

function openLogFile(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  return openSync(path, "a");
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
