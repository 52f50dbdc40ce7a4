import { PassThrough } from "node:stream";
import { holdings } from "@valhalla/pack-holdings";
import { describe, expect, it } from "vitest";
import { createHost, silentLogger } from "../../src/index.js";
import { exportCommand } from "../../src/storage/dump-commands.js";

describe("valhalla export progress", () => {
  it("should count what it exports against a total counted first, and say so on the progress sink", async () => {
    const host = await createHost({
      packs: [holdings],
      storage: "memory:",
      log: silentLogger,
      auth: { disabled: true },
    });
    try {
      for (const label of ["A", "B", "C", "D"]) {
        const res = await host.fetch(
          new Request("http://h/holdings", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ type: "property", label, currency: "USD" }),
          }),
        );
        expect(res.status).toBe(201);
      }
      const out = new PassThrough();
      const chunks: string[] = [];
      out.on("data", (d: Buffer) => chunks.push(d.toString()));
      const progress: string[] = [];
      const n = await exportCommand(host.registry.driver, [holdings], out, ["holdings"], (l) =>
        progress.push(l),
      );
      expect(n).toBeGreaterThanOrEqual(4);
      expect(chunks.join("").trim().split("\n")).toHaveLength(n);
      // The last line always comes, with the whole count.
      expect(progress.at(-1)).toMatch(new RegExp(`^exported ${n}/${n} \\(\\d+/s, ETA 0s\\)$`));
      // Without a sink, nothing is counted and nothing is said.
      expect(
        await exportCommand(host.registry.driver, [holdings], new PassThrough().resume(), ["holdings"]),
      ).toBe(n);
    } finally {
      await host.close();
    }
  });
});
