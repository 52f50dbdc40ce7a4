import type { Report } from "./create-registry.js";

/**
 * Human-readable report: a headline, then one indented line per issue with its hint.
 * @public
 */
export function formatReport(report: Report): string {
  const errors = report.issues.filter((i) => i.severity === "error").length;
  const warnings = report.issues.filter((i) => i.severity === "warning").length;
  const head = report.ok
    ? `Registry OK: ${report.packs.length} pack(s), ${warnings} warning(s)`
    : `Registry validation failed with ${errors} error${errors === 1 ? "" : "s"}:`;
  const lines = report.issues.map(
    (i) =>
      `  ${i.severity.toUpperCase().padEnd(7)} ${i.code} [${i.pack ?? "host"}] ${i.message}\n          fix: ${i.hint}`,
  );
  return [head, ...lines].join("\n");
}

/** Thrown by the host when the registry has errors; `.report` holds the data. @public */
export class RegistryError extends Error {
  override readonly name = "RegistryError";
  constructor(readonly report: Report) {
    super(formatReport(report));
  }
}
