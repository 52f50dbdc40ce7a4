import { ProblemError } from "@valhalla/runtime";
import type { Context } from "hono";

const ACTOR = /^[\p{L}\p{N}][\p{L}\p{N} ._@:+-]{0,99}$/u;

/**
 * Who is acting: the `x-actor` header until the host's auth supplies a principal, else "system".
 * @throws ProblemError 400 naming the header when it is malformed
 */
export function actorOf(c: Context): string {
  const raw = c.req.header("x-actor");
  if (raw === undefined || raw.trim() === "") return "system";
  const actor = raw.trim();
  if (!ACTOR.test(actor)) {
    throw new ProblemError(400, "validation-failed", "Invalid header: 'x-actor' must be a short name or id", {
      errors: [{ pointer: "/headers/x-actor", field: "x-actor", message: "must be a short name or id" }],
    });
  }
  return actor;
}
