import * as v from "valibot";
import { definePack, route } from "../../src/pack/define-pack.js";
import { serviceRef } from "../../src/pack/service-ref.js";
import { collection } from "../../src/storage/collection.js";
import { packSuite } from "../../src/testing/pack-suite.js";

// A provider and a consumer that uses it from a job, its brief and validate(): the suite must pass
// on a conforming pack with deps, and these runs prove each of its checks executes.
const countsRef = serviceRef<{ count(): Promise<number> }>({ pack: "tally", id: "counts", version: "^1" });
const Note = v.object({ title: v.string(), done: v.boolean() });

const tally = definePack({
  code: "tally",
  version: "1.2.0",
  description: "Counts things",
  provides: [countsRef],
  services: () => ({ counts: { count: async () => 3 } }),
});

const notes = definePack({
  code: "notes",
  version: "1.0.0",
  description: "Notes with a nightly sweep",
  requires: { counts: countsRef },
  storage: {
    notes: collection({ prefix: "note", schema: Note, indexes: ["done"] }),
    sweeps: collection({ prefix: "sweep", schema: v.object({ swept: v.number() }) }),
  },
  routes: [
    route({
      method: "GET",
      path: "/:id",
      summary: "Get a note",
      scope: "read",
      params: v.object({ id: v.string() }),
      handler: ({ params, ctx }) => ctx.storage.notes!.require(params.id),
    }),
  ],
  jobs: [
    {
      name: "sweep",
      cron: "0 3 * * *",
      timezone: "Europe/Berlin",
      run: async (ctx) =>
        ctx.locks.withLock("sweep", 5_000, async () =>
          ctx.storage.sweeps.create({ swept: await ctx.storage.notes.count({ done: true }) }),
        ),
    },
  ],
  validate: (ctx) =>
    typeof ctx.config.limit === "number"
      ? []
      : [
          {
            severity: "warning",
            code: "W_NOTES_LIMIT",
            message: "limit not set",
            hint: "Set config.notes.limit.",
          },
        ],
  brief: async (ctx) => ({
    title: "Notes",
    items: [{ label: "Counted", value: await ctx.deps.counts.count() }],
  }),
});

packSuite({
  pack: notes,
  deps: [tally],
  config: { limit: 10 },
  samples: { notes: { title: "Buy milk", done: false } },
});
