import { fstatSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "@valhalla/runtime";
import pino from "pino";
import { LineBatch, type LineDestination } from "./line-batch.js";

/** Where {@link jsonLogger} writes. @public */
export interface JsonLoggerOptions {
  /**
   * A file path (appended to, created if missing) or a file descriptor for every line. When unset,
   * info lines go to stdout and warnings and errors to stderr. `VALHALLA_LOG_FILE` for `valhalla serve`.
   */
  readonly destination?: string | number;
  /**
   * Write each line before returning. Otherwise lines are buffered and leave within 100 ms (or
   * when 16 KiB gather, or at exit). @default false
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
 * a batch: lines gather in memory and leave in pieces of 16 KiB or within 100 ms, so a request
 * never waits on the terminal or the disk. A file takes each piece in one write, in order; stdout
 * and stderr are written asynchronously. Pending lines are flushed when the process exits.
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
    if (sync) return pino.destination({ dest, sync });
    // Lines gather in a batch. A regular file takes each piece in one synchronous write (a page
    // cache copy, a few a second), so lines land in order and a flush is exact; a pipe or terminal
    // may block, so there sonic-boom writes asynchronously and keeps what arrives meanwhile.
    return new LineBatch(isRegularFile(dest) ? fileWriter(dest) : pino.destination({ dest, sync }));
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
  const errStream = options.destination === undefined ? destination(2) : stream;
  const err = errStream === stream ? out : make(errStream);
  const baseJson = JSON.stringify(base).slice(1, -1);
  const prefix = `{"level":"info","time":"`;
  const middle = `"${baseJson ? `,${baseJson}` : ""},"msg":"request","request_id":`;
  // The line is ASCII when the base fields are (every string field is escaped to ASCII below).
  const ascii = NON_ASCII.test(middle) === false;
  const time = isoTimeCache();
  return {
    request(l) {
      if (!out.isLevelEnabled("info")) return;
      const who =
        l.key_id !== undefined
          ? `,"key_id":${jsonString(l.key_id)}`
          : l.share_token_id !== undefined
            ? `,"share_token_id":${jsonString(l.share_token_id)}`
            : "";
      stream.write(
        `${prefix}${time()}${middle}${jsonString(l.request_id)},"method":"${l.method}","path":${jsonString(l.path)},"status":${l.status},"duration_ms":${l.duration_ms}${who}}\n`,
        ascii,
      );
    },
    info: (m, f) => (f ? out.info(f, m) : out.info(m)),
    warn: (m, f) => (f ? err.warn(f, m) : err.warn(m)),
    error: (m, f) => (f ? err.error(f, m) : err.error(m)),
    flush() {
      stream.flushSync();
      if (errStream !== stream) errStream.flushSync();
    },
  };
}

/**
 * A string as ASCII JSON: `"s"` when nothing in it needs escaping (ids and most paths), else
 * `JSON.stringify` with every non-ASCII character escaped too, so the line can be written byte for
 * byte (Latin-1) instead of being measured and encoded as UTF-8.
 */
function jsonString(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`;
  return JSON.stringify(s).replace(NON_ASCII_G, escapeChar);
}
const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_G = /[\u0080-\uffff]/g;
const escapeChar = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
// Printable ASCII without `"` and `\`: such a string is its own JSON body.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * `new Date().toISOString()` for the request line. `toISOString` costs about 7,500 instructions
 * (3% of a GET by id when every request falls in a new millisecond): it runs once per second, and
 * each new millisecond only appends its three digits to that second's prefix.
 */
function isoTimeCache(): () => string {
  let at = Number.NaN;
  let iso = "";
  let second = Number.NaN;
  let head = "";
  return () => {
    const now = Date.now();
    if (now === at) return iso;
    at = now;
    const s = Math.floor(now / 1000);
    if (s !== second) {
      second = s;
      head = new Date(s * 1000).toISOString().slice(0, -4); // "…T04:40:48."; "000Z" cut off
    }
    const ms = now - s * 1000;
    iso = `${head}${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}Z`;
    return iso;
  };
}

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/** Whole pieces to a regular file, synchronously. A failed write (disk full) drops the piece, never the request. */
function fileWriter(fd: number): LineDestination {
  let warned = false;
  return {
    write(data, ascii) {
      try {
        // Latin-1 is byte for byte: the same bytes as UTF-8 for ASCII, without measuring the text.
        const buf = Buffer.from(data, ascii ? "latin1" : "utf8");
        for (let at = 0; at < buf.length; ) at += writeSync(fd, buf, at);
      } catch (err) {
        if (!warned) {
          warned = true;
          process.emitWarning(
            `[valhalla] [log] log lines lost: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
      return true;
    },
    flushSync() {},
  };
}

function openLogFile(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  return openSync(path, "a");
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
