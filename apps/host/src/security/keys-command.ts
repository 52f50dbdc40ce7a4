import type { Driver } from "@valhalla/runtime";
import { apiKeyStore } from "./api-keys.js";

/** Usage of `valhalla keys`. @internal */
export const KEYS_USAGE = `Usage:
  valhalla keys create --name <name> --scopes <scope,…>   Create a key; prints its secret once
  valhalla keys create --admin [--name <name>]            Recover access: a new admin key
  valhalla keys list [--json]                              List keys (never secrets)
  valhalla keys revoke <id>                                Revoke a key
Scopes: admin, <pack>:read, <pack>:write (write implies read)`;

/**
 * `valhalla keys create|list|revoke` against a driver; returns the exit code.
 * @internal
 */
export async function keysCommand(
  args: {
    readonly sub: string | undefined;
    readonly rest: readonly string[];
    readonly name?: string | undefined;
    readonly scopes?: string | undefined;
    /** `--admin`: an admin key (recovery for whoever can run the CLI against the store). */
    readonly admin?: boolean | undefined;
    readonly json?: boolean;
    /** Codes of the installed packs: a scope naming another pack is refused. */
    readonly packs?: readonly string[];
  },
  driver: Driver,
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const keys = apiKeyStore(driver);
  switch (args.sub) {
    case "create": {
      if (args.admin) args = { ...args, name: args.name ?? "recovered admin", scopes: "admin" };
      if (!args.name || !args.scopes) {
        err(`keys create needs --name and --scopes.\n\n${KEYS_USAGE}`);
        return 2;
      }
      const unknown = args.packs
        ? args.scopes
            .split(",")
            .map((x) => x.trim())
            .filter((x) => x !== "admin" && x !== "" && !args.packs!.includes(x.split(":")[0]!))
        : [];
      if (unknown.length > 0) {
        err(
          `Unknown pack in scope ${unknown.map((x) => `'${x}'`).join(", ")}; installed packs: ${args.packs!.join(", ")}.`,
        );
        return 2;
      }
      try {
        const { key, secret } = await keys.create({ name: args.name, scopes: args.scopes });
        if (args.json) out(JSON.stringify({ ...key, secret }, null, 2));
        else {
          out(`Created key ${key.id} '${key.name}' with scopes ${key.scopes.join(", ")}.`);
          out("Secret (shown once; store it now, it cannot be recovered):");
          out(secret);
        }
        return 0;
      } catch (e) {
        err(e instanceof Error ? e.message : String(e));
        return 2;
      }
    }
    case "list": {
      const list = await keys.list();
      if (args.json) out(JSON.stringify(list, null, 2));
      else if (list.length === 0) out("No API keys.");
      else
        for (const k of list)
          out(
            `${k.id.padEnd(32)} ${(k.revoked_at ? "revoked" : "active").padEnd(8)} ${k.name.padEnd(20)} ${k.scopes.join(",")}`,
          );
      return 0;
    }
    case "revoke": {
      const id = args.rest[0];
      if (!id) {
        err(`keys revoke needs a key id.\n\n${KEYS_USAGE}`);
        return 2;
      }
      const key = await keys.revoke(id);
      if (!key) {
        err(`No key '${id}'.`);
        return 1;
      }
      out(`Revoked ${key.id} '${key.name}' at ${key.revoked_at}.`);
      return 0;
    }
    default:
      err(KEYS_USAGE);
      return 2;
  }
}
