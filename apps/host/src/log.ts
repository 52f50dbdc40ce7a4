import type { Logger } from "@valhalla/runtime";

/** Structured JSON log lines on stdout/stderr. */
export function jsonLogger(base: Record<string, unknown> = {}): Logger {
  const line = (level: string, msg: string, f?: Record<string, unknown>) =>
    JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...f });
  return {
    info: (m, f) => process.stdout.write(`${line("info", m, f)}\n`),
    warn: (m, f) => process.stderr.write(`${line("warn", m, f)}\n`),
    error: (m, f) => process.stderr.write(`${line("error", m, f)}\n`),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
