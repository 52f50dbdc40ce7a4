import { describe, expect, it } from "vitest";
import { definePack } from "../../../src/pack/define-pack.js";
import type { AnyPack } from "../../../src/pack/types.js";
import { checkPages } from "../../../src/registry/checks/page-conflicts.js";

const render = () => "x";

describe("checkPages", () => {
  it("should name the host and the pack when a page lands on a host page", () => {
    const jobs = definePack({
      code: "jobs",
      version: "1.0.0",
      description: "",
      pages: [{ path: "/", title: "Jobs", render }],
    });
    expect(checkPages([jobs]).map((i) => i.message)).toEqual([
      "Page '/app/jobs' is declared by both 'host' and 'jobs'",
    ]);
  });

  it("should refuse the codes 'app' and 'docs', whose routes would sit under the web app and the docs", () => {
    const app = definePack({ code: "app", version: "1.0.0", description: "" });
    expect(checkPages([app]).map((i) => i.message)).toEqual([
      "Page '/app' is declared by both 'host' and 'app'",
    ]);
  });

  it("should compare parameter shapes, not names, within a pack", () => {
    const deals = definePack({
      code: "deals",
      version: "1.0.0",
      description: "",
      pages: [
        { path: "/:id", title: "Deal", render },
        { path: "/:dealId/", title: "Deal again", render },
      ],
    });
    const issues = checkPages([deals]);
    expect(issues.map((i) => [i.code, i.pack, i.message])).toEqual([
      ["E_PAGE_CONFLICT", "deals", "Page '/app/deals/:dealId/' is declared by both 'deals' and 'deals'"],
    ]);
  });

  it("should accept distinct pages of several packs", () => {
    const a = definePack({
      code: "alpha",
      version: "1.0.0",
      description: "",
      pages: [
        { path: "/", title: "A", nav: "A", render },
        { path: "/:id", title: "A one", render },
      ],
      widgets: [{ id: "summary", title: "A", render }],
    });
    const b = definePack({
      code: "beta",
      version: "1.0.0",
      description: "",
      pages: [{ path: "/", title: "B", render }],
    });
    expect(checkPages([a, b])).toEqual([]);
  });

  it("should refuse a page without a leading slash, title or render, and duplicate widget ids", () => {
    const bad = {
      code: "bad",
      version: "1.0.0",
      description: "",
      pages: [
        { path: "board", title: "Board", render },
        { path: "/x", title: "" },
      ],
      widgets: [
        { id: "w", title: "W", render },
        { id: "w", title: "W", render },
      ],
    } as unknown as AnyPack;
    expect(checkPages([bad]).map((i) => i.message)).toEqual([
      "Page '/app/badboard' is invalid: path, title or render is missing or malformed",
      "Page '/app/bad/x' is invalid: path, title or render is missing or malformed",
      "Page 'widget bad/w' is invalid: the widget id is used twice",
    ]);
  });
});
