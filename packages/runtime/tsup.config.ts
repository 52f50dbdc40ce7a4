import { defineConfig } from "tsup";
import { base } from "../../tsup.config.base";

// Two entries share one copy of the runtime (errors, collections) through split chunks, so the
// testing kit's `instanceof` checks see the same classes as the main entry.
export default defineConfig({
  ...base,
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
  splitting: true,
  external: ["vitest", "ioredis", "pg", "unstorage", "better-sqlite3"],
});
