import type { Exchange } from "./exchange.js";

/** Names of the pipeline's stages, in the order they run. @public */
export const STAGE_ORDER = [
  "identify",
  "rate-limit",
  "authorize",
  "guard",
  "audit",
  "read-body",
  "idempotency",
  "validate",
  "handle",
] as const;

/** A stage's name. @public */
export type StageName = (typeof STAGE_ORDER)[number];

/** The rest of the pipeline after a stage. @internal */
export type Next = (x: Exchange) => Promise<Response>;

/**
 * One step of a route's pipeline. It may refuse (throw a `ProblemError`), answer itself, or call
 * `next` and look at (or record) what came back. @internal
 */
export interface Stage {
  readonly name: StageName;
  run(x: Exchange, next: Next): Promise<Response>;
}

/**
 * Chain stages into one function, checking they are in {@link STAGE_ORDER}: a stage can be left
 * out (the route does not need it) but never moved, so no route can run `handle` before `authorize`.
 * @internal
 */
export function compose(stages: readonly Stage[], terminal: Next): Next {
  let last = -1;
  for (const s of stages) {
    const at = STAGE_ORDER.indexOf(s.name);
    if (at <= last) throw new Error(`[valhalla] [pipeline] Stage '${s.name}' is out of order`);
    last = at;
  }
  return stages.reduceRight<Next>((next, stage) => (x) => stage.run(x, next), terminal);
}
