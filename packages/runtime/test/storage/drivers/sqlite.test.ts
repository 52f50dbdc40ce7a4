import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Driver, sqlite } from "@valhalla/runtime";
import { driverSuite } from "@valhalla/runtime/testing";

const files = new WeakMap<Driver, string>();

driverSuite({
  name: "sqlite",
  create: () => {
    const dir = mkdtempSync(join(tmpdir(), "valhalla-sqlite-"));
    const d = sqlite({ path: join(dir, "store.db") });
    files.set(d, dir);
    return d;
  },
  connect: (d) => sqlite({ path: join(files.get(d)!, "store.db") }),
  destroy: (d) => rmSync(files.get(d)!, { recursive: true, force: true }),
  capabilities: { locks: "process", indexes: "native", durable: true },
});
