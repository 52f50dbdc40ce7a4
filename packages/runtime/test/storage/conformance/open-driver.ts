import { type Driver, postgres, redis, sqlite } from "@valhalla/runtime";

/** Where a conformance child process finds the store under test (passed as JSON in env). */
export type StoreSpec =
  | { kind: "sqlite"; path: string }
  | { kind: "redis"; url: string; prefix: string }
  | { kind: "postgres"; url: string; schema: string };

/** Open the driver a spec names. */
export function openDriver(spec: StoreSpec): Driver {
  switch (spec.kind) {
    case "sqlite":
      return sqlite({ path: spec.path });
    case "redis":
      return redis({ url: spec.url, prefix: spec.prefix });
    case "postgres":
      return postgres({ url: spec.url, schema: spec.schema, pool: { max: 3 } });
  }
}
