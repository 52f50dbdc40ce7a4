import { collection, type PackContext } from "@valhalla/runtime";
import type { billsReminders, dealsService } from "./contracts.js";
import { Followup, Run, Template } from "./schemas.js";

/** Namespaces of the pipeline pack. */
export const storage = {
  templates: collection({ prefix: "tpl", schema: Template, indexes: ["channel", "tone", "active"] }),
  runs: collection({ prefix: "run", schema: Run, indexes: ["deal_id", "send_status", "day"] }),
  followups: collection({ prefix: "fu", schema: Followup, indexes: ["deal_id", "status", "source_id"] }),
};

/** What the pipeline requires: wholesale deals, and bills reminders when installed. */
export interface PipelineRequires {
  readonly deals: typeof dealsService;
  readonly bills: ReturnType<typeof billsReminders.optionalRef>;
}

/** The pipeline pack's context. */
export type PipelineContext = PackContext<typeof storage, PipelineRequires>;
