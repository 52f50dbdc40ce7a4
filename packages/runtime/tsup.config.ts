import { defineConfig } from "tsup";
import { base } from "../../tsup.config.base";

export default defineConfig({
  ...base,
  // Shared chunks, so `./testing` reuses the main entry's code instead of bundling a second copy.
  splitting: true,
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
});
