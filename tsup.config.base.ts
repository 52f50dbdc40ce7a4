import type { Options } from "tsup";

/** Shared tsup options: every package ships ESM + .d.ts built from src. */
export const base: Options = {
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  splitting: false,
};
