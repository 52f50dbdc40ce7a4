import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { definePack } from "../../src/pack/define-pack.js";
import { serviceRef } from "../../src/pack/service-ref.js";
import { collection } from "../../src/storage/collection.js";

const base = { version: "1.0.0", description: "" };

describe("definePack", () => {
  it("should return a frozen pack", () => {
    const pack = definePack({ code: "notes", ...base });
    expect(Object.isFrozen(pack)).toBe(true);
    expect(pack.code).toBe("notes");
  });

  it.each([
    [{ code: "Notes" }, "Invalid pack code 'Notes', must match"],
    [{ code: "my--pack" }, "Invalid pack code 'my--pack'"],
    [{ code: "notes", version: "1.0" }, "Invalid version '1.0' of pack 'notes', must be semver"],
    [
      { code: "notes", storage: { "Bad-Ns": collection({ prefix: "x", schema: v.object({}) }) } },
      "Invalid namespace 'Bad-Ns'",
    ],
    [
      { code: "notes", jobs: [{ name: "Tick", cron: "* * * * *", run: () => {} }] },
      "Invalid job name 'Tick'",
    ],
    [
      {
        code: "notes",
        jobs: [
          { name: "tick", cron: "* * * * *", run: () => {} },
          { name: "tick", cron: "* * * * *", run: () => {} },
        ],
      },
      "Job 'tick' is declared twice in pack 'notes'",
    ],
    [
      { code: "notes", provides: [serviceRef({ pack: "other", id: "x", version: "^1" })] },
      "Pack 'notes' provides serviceRef{other.x}, which belongs to pack 'other'",
    ],
  ])("should throw a TypeError naming the rule for %j", (def, message) => {
    expect(() => definePack({ ...base, ...def } as never)).toThrowError(TypeError);
    expect(() => definePack({ ...base, ...def } as never)).toThrowError(message);
  });
});

describe("collection", () => {
  it("should reject an id prefix that is not lowercase alphanumeric", () => {
    expect(() => collection({ prefix: "Deal_", schema: v.object({}) })).toThrowError(
      "Invalid collection prefix 'Deal_'",
    );
  });
});

describe("serviceRef", () => {
  it("should print its identity and refuse to read its phantom type", () => {
    const ref = serviceRef<{ a: 1 }>({ pack: "wholesale", id: "deals", version: "^1" });
    expect(String(ref)).toBe("serviceRef{wholesale.deals}");
    expect(ref.optional).toBe(false);
    expect(ref.optionalRef().optional).toBe(true);
    const phantom = Object.getOwnPropertySymbols(ref)[0]!;
    expect(() => (ref as unknown as Record<symbol, unknown>)[phantom]).toThrowError("for TypeScript only");
  });
});
