import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

describe("@valhalla/pack-pipeline exports", () => {
  it("should expose exactly the public surface", () => {
    expect(Object.keys(api).sort()).toEqual([
      "CHANNELS",
      "MERGE_FIELDS",
      "PipelineConfig",
      "SEND_RESULTS",
      "SEND_WINDOW",
      "TONES",
      "applyApprovalRejected",
      "billsReminders",
      "dailyTick",
      "dealsService",
      "default",
      "inSendWindow",
      "nextSendTime",
      "pipeline",
    ]);
  });

  it("should declare wholesale as required and bills as optional", () => {
    const requires = api.pipeline.requires as Record<string, { pack: string; optional: boolean }>;
    expect(Object.values(requires).map((r) => [r.pack, r.optional])).toEqual([
      ["wholesale", false],
      ["bills", true],
    ]);
  });
});
