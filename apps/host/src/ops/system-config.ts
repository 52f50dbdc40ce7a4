import { ProblemError } from "@valhalla/runtime";
import type { Hono } from "hono";
import * as v from "valibot";
import { readJson } from "../http/read-json.js";
import { readSystemConfig, type SystemStore } from "./system-store.js";

const PutBody = v.strictObject({ soft_launch: v.boolean("must be true or false") });

/** `GET /system/config` and `PUT /system/config` (`{ soft_launch }`). */
export function mountSystemConfig(app: Hono, store: SystemStore): void {
  app.get("/system/config", async (c) => c.json(await readSystemConfig(store)));
  app.put("/system/config", async (c) => {
    const res = v.safeParse(PutBody, await readJson(c));
    if (!res.success) {
      const errors = res.issues.map((i) => {
        const field = v.getDotPath(i) ?? "body";
        const message =
          i.expected === "never"
            ? "is not a known field"
            : i.received === "undefined"
              ? "is required"
              : i.message;
        return { pointer: `/body/${field}`, field, message };
      });
      throw new ProblemError(
        400,
        "validation-failed",
        `Invalid body: ${errors.map((e) => `'${e.field}' ${e.message}`).join("; ")}`,
        { errors },
      );
    }
    const existing = await store.config.get("system");
    if (existing) await store.config.update("system", res.output);
    else await store.config.create(res.output, { id: "system" });
    return c.json(await readSystemConfig(store));
  });
}
