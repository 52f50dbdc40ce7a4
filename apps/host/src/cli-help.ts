/**
 * Per-command help of the `valhalla` CLI: `valhalla <command> --help` and `valhalla help <command>`
 * print the command's usage, its options and an example, so nobody has to read the global page
 * for one command.
 */
interface CommandHelp {
  readonly usage: string;
  readonly summary: string;
  readonly options?: readonly (readonly [string, string])[];
  readonly examples: readonly string[];
}

const MODULE: readonly [string, string] = [
  "--module <path>",
  "Use the packs a module exports (default export or `packs`) instead of the installed ones",
];

/** Help of every command, by name. */
export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  serve: {
    usage: "valhalla serve [--module <path>]",
    summary:
      "Start the host: every route, the web app and the job scheduler. Settings come from env (PORT, HOST, VALHALLA_STORAGE, VALHALLA_PACKS, VALHALLA_TZ, VALHALLA_LOG_FILE, VALHALLA_PACK_<CODE>_<SETTING>) over valhalla.config.json.",
    options: [MODULE],
    examples: ["PORT=8080 VALHALLA_STORAGE=sqlite:./data/valhalla.db valhalla serve"],
  },
  validate: {
    usage: "valhalla validate [--json] [--module <path>]",
    summary: "Validate the pack set and its storage; exit 0 when ok, 1 on errors. Never creates storage.",
    options: [["--json", "Print the report as JSON"], MODULE],
    examples: ["valhalla validate", "valhalla validate --module ./my-packs.js --json"],
  },
  packs: {
    usage: "valhalla packs [--json]",
    summary: "List the packs that would be loaded, with their versions.",
    options: [["--json", "Print JSON"], MODULE],
    examples: ["VALHALLA_PACKS=holdings,bills valhalla packs"],
  },
  export: {
    usage: "valhalla export [--packs a,b] [--progress] > dump.ndjson",
    summary: "Write every record (or only those packs') as NDJSON to stdout, with their ids and revisions.",
    options: [
      ["--packs <codes>", "Only these packs' namespaces and migration state"],
      ["--progress", "Count, rate and ETA on stderr (always on a terminal)"],
      MODULE,
    ],
    examples: ["valhalla export > backup.ndjson", "valhalla export --packs holdings > holdings.ndjson"],
  },
  import: {
    usage: "valhalla import [--dry-run] [--skip-invalid] [--progress] < dump.ndjson",
    summary:
      "Load an NDJSON dump into VALHALLA_STORAGE. Every line is checked first (shape, id, rev, the record against its collection's schema); a bad line refuses the whole file, naming line and field, and nothing is written.",
    options: [
      ["--dry-run", "Check and count only; write nothing"],
      ["--skip-invalid", "Import the valid lines and list the invalid ones"],
      ["--progress", "Show count, rate and ETA on stderr (on by default on a terminal)"],
      MODULE,
    ],
    examples: [
      "valhalla import --dry-run < backup.ndjson",
      "VALHALLA_STORAGE=postgres://localhost/valhalla valhalla import < backup.ndjson",
    ],
  },
  jobs: {
    usage: "valhalla jobs list [--json] | valhalla jobs run <pack> <name>",
    summary:
      "List every scheduled job (cron, time zone, next and last run), or run one now under the same lease.",
    options: [["--json", "Print JSON (list)"], MODULE],
    examples: ["valhalla jobs list", "valhalla jobs run pipeline daily-tick"],
  },
  keys: {
    usage:
      "valhalla keys create --name <name> --scopes <s,…> | keys create --admin | keys list [--json] | keys revoke <id>",
    summary:
      "Manage API keys against the store (scopes: admin, <pack>:read, <pack>:write). The secret is printed once.",
    options: [
      ["--name <name>", "The key's label (create)"],
      ["--scopes <list>", "Comma-separated scopes of installed packs (create)"],
      ["--admin", "Create an admin key: recovers access to a store whose key was lost"],
      ["--json", "Print JSON (list)"],
    ],
    examples: [
      "valhalla keys create --name ci --scopes holdings:read,bills:write",
      "valhalla keys create --admin",
    ],
  },
  seed: {
    usage: "valhalla seed",
    summary:
      "Create the minimal working setup (system config, pack defaults); running it again changes nothing.",
    examples: ["valhalla seed"],
  },
};

/** The help text of `command`, or undefined when there is no such command. */
export function commandHelp(command: string): string | undefined {
  const h = COMMAND_HELP[command];
  if (!h) return undefined;
  const width = Math.max(0, ...(h.options ?? []).map(([flag]) => flag.length));
  return [
    `Usage: ${h.usage}`,
    "",
    h.summary,
    ...(h.options?.length
      ? ["", "Options:", ...h.options.map(([flag, what]) => `  ${flag.padEnd(width)}  ${what}`)]
      : []),
    "",
    "Examples:",
    ...h.examples.map((e) => `  ${e}`),
  ].join("\n");
}
