import { describe, expect, it } from "vitest";
import { definePack } from "../../src/pack/define-pack.js";
import type { OutboundGate } from "../../src/pack/types.js";
import { createRegistry } from "../../src/registry/create-registry.js";

const quiet = { info() {}, warn() {}, error() {} };
const sent: unknown[] = [];
const mailer = definePack({
  code: "mailer",
  version: "1.0.0",
  description: "outbound fixture",
  outbound: {
    send: (_ctx, payload) => {
      sent.push(payload);
      return { ok: true };
    },
  },
});

describe("ctx.outbound", () => {
  it("should run a declared action at once without a gate", async () => {
    sent.length = 0;
    const ctx = createRegistry([mailer], { log: quiet }).context("mailer");
    await expect(ctx.outbound("send", { to: "a" })).resolves.toEqual({
      status: "done",
      result: { ok: true },
    });
    expect(sent).toEqual([{ to: "a" }]);
  });

  it("should hand the action to the gate, which may defer it", async () => {
    sent.length = 0;
    const seen: unknown[] = [];
    const gate: OutboundGate = async (req) => {
      seen.push({ pack: req.pack, kind: req.kind, payload: req.payload, options: req.options });
      return { status: "pending_approval", approval_id: "appr_1" };
    };
    const ctx = createRegistry([mailer], { log: quiet, outboundGate: gate }).context("mailer");
    await expect(ctx.outbound("send", { to: "b" }, { key: "k" })).resolves.toEqual({
      status: "pending_approval",
      approval_id: "appr_1",
    });
    expect(sent).toEqual([]);
    expect(seen).toEqual([{ pack: "mailer", kind: "send", payload: { to: "b" }, options: { key: "k" } }]);
  });

  it("should throw for an action the pack never declared", async () => {
    const ctx = createRegistry([mailer], { log: quiet }).context("mailer");
    await expect(ctx.outbound("fax", {})).rejects.toThrow("Pack 'mailer' declares no outbound 'fax'");
  });
});
