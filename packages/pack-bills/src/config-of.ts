import * as v from "valibot";
import { BillsConfig } from "./schemas.js";
import type { BillsContext } from "./storage.js";

/** The pack's config with defaults applied. */
export function configOf(ctx: Pick<BillsContext, "config">): BillsConfig {
  return v.parse(BillsConfig, ctx.config);
}
