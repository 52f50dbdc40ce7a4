import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { definePack, route } from "../../src/pack/define-pack.js";
import { serviceRef } from "../../src/pack/service-ref.js";
import type { AnyPack } from "../../src/pack/types.js";
import { collection } from "../../src/storage/collection.js";
import {
  briefProblems,
  contractProblems,
  issueProblems,
  jobProblems,
  routeProblems,
} from "../../src/testing/pack-checks.js";

const base = { code: "notes", version: "1.0.0", description: "Notes" };
const schema = v.object({ title: v.string() });

describe("contractProblems", () => {
  it("should accept a pack made by definePack", () => {
    const pack = definePack({ ...base, storage: { notes: collection({ prefix: "note", schema }) } });
    expect(contractProblems(pack)).toEqual([]);
  });

  it("should list every broken rule of a hand-built pack at once", () => {
    const pack = {
      code: "Notes",
      version: "1",
      description: "",
      storage: {
        a: collection({ prefix: "note", schema }),
        b: collection({ prefix: "note", schema }),
        c: { kind: "other" },
      },
      requires: { self: serviceRef({ pack: "Notes", id: "x", version: "not-a-range" }) },
      provides: [serviceRef({ pack: "other", id: "x", version: "^1" })],
      migrations: [
        { version: 2, name: "two", up: () => {} },
        { version: 1, name: "one", up: () => {} },
      ],
    } as unknown as AnyPack;
    expect(contractProblems(pack)).toEqual([
      `code 'Notes' must match ${/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/}`,
      "version '1' must be semver (1.2.3)",
      "description must be a non-empty string",
      "pack must come from definePack (it is not frozen)",
      "namespaces 'a' and 'b' share the id prefix 'note'",
      "namespace 'c' must be declared with collection()",
      "requires.self (serviceRef{Notes.x}) has an invalid semver range 'not-a-range'",
      "provides serviceRef{other.x}, which belongs to pack 'other'",
      "provides services but has no services(ctx) factory",
      "migration 'one' version 1 must be an integer above 2",
    ]);
  });
});

describe("routeProblems", () => {
  it("should name routes without scope, summary, params or body schemas", () => {
    const pack = definePack({
      ...base,
      routes: [
        route({ method: "GET", path: "/", summary: "List", scope: "read", handler: () => [] }),
        route({ method: "GET", path: "/:id", summary: "", scope: "read", handler: () => null }),
        route({
          method: "PATCH",
          path: "/:id/tags/:tag",
          summary: "Tag",
          scope: "everyone" as "read",
          params: v.object({ id: v.string() }),
          handler: () => null,
        }),
      ],
    });
    expect(routeProblems(pack)).toEqual([
      "GET /:id: summary is missing",
      "GET /:id: path parameters id have no params schema",
      "PATCH /:id/tags/:tag: scope must be one of read, write, admin, public",
      "PATCH /:id/tags/:tag: params schema lacks 'tag'",
      "PATCH /:id/tags/:tag: body schema is missing",
    ]);
  });
});

describe("jobProblems", () => {
  it("should name a cron that does not parse and an unknown time zone", () => {
    const pack = {
      ...base,
      jobs: [
        { name: "ok", cron: "0 7 * * *", timezone: "Europe/Berlin", run: () => {} },
        { name: "bad-cron", cron: "61 * * * *", run: () => {} },
        { name: "bad-tz", cron: "0 7 * * *", timezone: "Mars/Olympus", run: () => {} },
      ],
    } as unknown as AnyPack;
    const problems = jobProblems(pack);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^job 'bad-cron': cron '61 \* \* \* \*' does not parse/);
    expect(problems[1]).toBe("job 'bad-tz': time zone 'Mars/Olympus' is not an IANA zone");
  });
});

describe("issueProblems", () => {
  it("should accept well-formed issues and name malformed ones", () => {
    expect(issueProblems([{ severity: "warning", code: "W_X", message: "m", hint: "h" }])).toEqual([]);
    expect(issueProblems("oops")).toEqual(["validate() must return an array of issues, got string"]);
    expect(issueProblems([{ severity: "fatal", code: "E", message: "", hint: "h" }])).toEqual([
      "issue 0: severity must be error|warning|info",
      "issue 0: message must be a non-empty string",
    ]);
  });
});

describe("briefProblems", () => {
  it("should require a title and labelled items", () => {
    expect(briefProblems({ title: "Notes", items: [{ label: "Open", value: 2 }] })).toEqual([]);
    expect(briefProblems({ items: [{ value: 1 }] })).toEqual([
      "brief section needs a title",
      "brief item 0 needs a label",
    ]);
  });
});
