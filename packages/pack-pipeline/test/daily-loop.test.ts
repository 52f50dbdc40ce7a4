import { addDays } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";
import { call, clock, pipelineHost } from "./helpers.js";

describe("daily loop over 30 simulated days", () => {
  it("should create every reminder follow-up, follow-up and draft exactly once, reflected in brief and audit", async () => {
    const c = clock("2026-03-01T16:00:00Z");
    const host = await pipelineHost({ now: c.now, timezone: "America/New_York" });
    let mutating = 0;
    const send = async (method: string, path: string, body?: unknown) => {
      if (method !== "GET") mutating++;
      return call(host, method, path, body);
    };

    // Day 0: seed (twice: idempotent), go live, add bills and a deal, run the deal once.
    const seeded = await send("POST", "/boot/seed_minimum");
    expect(seeded.status).toBe(200);
    expect(seeded.body.host.created).toEqual(["system_config"]);
    expect(seeded.body.packs).toEqual([
      expect.objectContaining({
        pack: "pipeline",
        ok: true,
        result: expect.objectContaining({ created: expect.any(Array) }),
      }),
    ]);
    expect(seeded.body.packs[0].result.created).toHaveLength(3);
    const reseeded = await send("POST", "/boot/seed_minimum");
    expect(reseeded.body.host.created).toEqual([]);
    expect(reseeded.body.packs[0].result).toEqual({
      created: [],
      existing: seeded.body.packs[0].result.created,
    });
    expect((await send("PUT", "/system/config", { soft_launch: false })).status).toBe(200);
    expect((await send("POST", "/bills", { name: "Rent", due_day: 15, amount_minor: 150_000 })).status).toBe(
      201,
    );
    expect((await send("POST", "/bills", { name: "Power", due_day: 5, amount_minor: 9_000 })).status).toBe(
      201,
    );
    const deal = (
      await send("POST", "/wholesale/deals", {
        address: "12 Elm St",
        mao_minor: 12_500_000,
        seller_name: "Ada",
        timezone: "America/Chicago",
      })
    ).body;
    const first = await send("POST", `/pipeline/deal/${deal.id}/run`, { channel: "sms" });
    expect(first.status).toBe(201);
    expect(first.body.run.body).toBe("Hi Ada, following up about 12 Elm St. Are you still open to an offer?");
    expect(first.body.followup.due_date).toBe("2026-03-04");

    const drafted: { day: string; run: string }[] = [];
    const imported: { day: string; id: string }[] = [];
    const sent: string[] = [];
    for (let day = 0; day < 30; day++) {
      const today = addDays("2026-03-01", day);
      // The operator works the queue first: yesterday's drafts get sent, due bills get paid.
      for (const d of drafted.filter((x) => x.day < today && !sent.includes(x.run))) {
        const result = today >= "2026-03-17" ? "replied" : "no_answer";
        const res = await send("POST", `/pipeline/runs/${d.run}/sent`, { channel: "sms", result });
        expect(res.status).toBe(200);
        expect(res.body.send_status).toBe("sent");
        sent.push(d.run);
      }
      const due = await call(host, "GET", `/pipeline/followups?status=open&due_by=${today}&limit=200`);
      for (const fu of due.body.items.filter((f: { source: string }) => f.source === "bill_reminder")) {
        expect((await send("POST", `/pipeline/followups/${fu.id}/complete`, {})).status).toBe(200);
      }

      const ops = await send("POST", "/ops/daily");
      expect(ops.status).toBe(200);
      expect(ops.body.date).toBe(today);
      expect(ops.body.ok).toBe(true);
      const tick = ops.body.packs.find((p: { pack: string }) => p.pack === "pipeline").result;
      drafted.push(...tick.drafted.map((run: string) => ({ day: today, run })));
      imported.push(...tick.imported.map((id: string) => ({ day: today, id })));
      // Running daily ops again the same day adds nothing.
      const again = await send("POST", "/ops/daily");
      const tick2 = again.body.packs.find((p: { pack: string }) => p.pack === "pipeline").result;
      expect(tick2.drafted).toEqual([]);
      expect(tick2.imported).toEqual([]);

      if (today === "2026-03-04") {
        const brief = await call(host, "GET", "/brief");
        expect(brief.status).toBe(200);
        expect(brief.body.mode).toBe("live");
        expect(brief.body.sections.map((s: { pack: string }) => s.pack)).toEqual([
          "wholesale",
          "bills",
          "pipeline",
        ]);
        const pipe = brief.body.sections[2];
        expect(pipe.ok).toBe(true);
        expect(pipe.items).toContainEqual(
          expect.objectContaining({ label: "Drafts awaiting send", value: 2 }),
        );
        expect(pipe.data.due_followups).toEqual([
          expect.objectContaining({ source: "deal", due_date: "2026-03-04", draft_run_id: drafted[0]?.run }),
        ]);
        expect(pipe.data.recent_runs.map((r: { id: string }) => r.id)).toEqual([
          drafted[0]?.run,
          first.body.run.id,
        ]);
      }
      c.advanceDays(1);
    }

    // Deal chain: 03-04 → sent 03-05 → next due 03-08 → … → the 03-16 draft got a reply on 03-17.
    expect(drafted.map((d) => d.day)).toEqual(["2026-03-04", "2026-03-08", "2026-03-12", "2026-03-16"]);
    expect(new Set(drafted.map((d) => d.run)).size).toBe(4);
    // Bill reminders (3 days before the 5th and the 15th) became follow-ups once each.
    expect(imported.map((i) => i.day)).toEqual(["2026-03-02", "2026-03-12"]);

    const runs = await call(host, "GET", "/pipeline/runs?limit=200");
    expect(runs.body.items).toHaveLength(5);
    expect(
      runs.body.items.every(
        (r: { send_status: string; origin: string }) => r.send_status === "sent" || r.origin === "manual",
      ),
    ).toBe(true);
    const fus = (await call(host, "GET", "/pipeline/followups?limit=200")).body.items;
    const dealFus = fus.filter((f: { source: string }) => f.source === "deal");
    expect(dealFus.map((f: { due_date: string; status: string }) => [f.due_date, f.status])).toEqual([
      ["2026-03-04", "done"],
      ["2026-03-08", "done"],
      ["2026-03-12", "done"],
      ["2026-03-16", "done"],
    ]);
    expect(dealFus[3].stop_reason).toBe("replied");
    expect(
      fus.filter(
        (f: { source: string; status: string }) => f.source === "bill_reminder" && f.status === "done",
      ),
    ).toHaveLength(2);

    // Audit: one entry per mutating request, one per daily hook run, mark-sent entries name the run.
    const entries: { kind: string; action: string; record_id: string | null; outcome: string }[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(host, "GET", `/audit?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      entries.push(...page.body.items);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(entries.filter((e) => e.kind === "request")).toHaveLength(mutating);
    expect(entries.filter((e) => e.kind === "daily")).toHaveLength(60);
    expect(entries.every((e) => e.outcome === "success")).toBe(true);
    const sentEntries = entries.filter((e) => e.action === "POST /pipeline/runs/:id/sent");
    expect(sentEntries.map((e) => e.record_id)).toEqual(sent);
    const pipelineOnly = await call(host, "GET", "/audit?pack=pipeline&limit=500");
    expect(pipelineOnly.body.items.every((e: { pack: string }) => e.pack === "pipeline")).toBe(true);
    await host.close();
  });
});
