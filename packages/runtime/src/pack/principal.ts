/**
 * Who makes a request or runs a job. The host resolves it from the request's credential (never
 * from a header a caller can set while auth is on) and hands it to route handlers and jobs, so
 * everything a pack records about "who" comes from the same place.
 * @public
 */
export type Principal =
  /** An API key: its stored id, the label given when it was created, and its scopes. */
  | {
      readonly kind: "key";
      readonly id: string;
      readonly label: string;
      readonly scopes: readonly string[];
    }
  /** A share token of one `scope` (e.g. `jv_board`), limited to one `subject` (the partner). */
  | { readonly kind: "share"; readonly id: string; readonly scope: string; readonly subject: string }
  /** A scheduled or manual job run: `id` is the run's tick id. */
  | { readonly kind: "job"; readonly id: string; readonly pack: string; readonly job: string }
  /**
   * Someone running a `valhalla` CLI command against the store (they hold the store itself):
   * `id` is the OS user and machine, `command` the command they ran.
   */
  | { readonly kind: "operator"; readonly id: string; readonly command: string }
  /**
   * Nobody in particular: auth is off. `label` is whatever the caller said it was (the host takes
   * `x-actor` then), useful for a local log and worth nothing as proof.
   */
  | { readonly kind: "anonymous"; readonly label: string };

/** A principal as written into records (audit `actor`, approval `decided_by`). @public */
export interface ActorRef {
  readonly kind: Principal["kind"];
  readonly id: string;
  readonly label: string;
}

/**
 * The record-friendly form of a principal: kind, stable id and a label a person recognises.
 * @example actorRef({ kind: "key", id: "key_1", label: "alice", scopes: [] }) // { kind: "key", id: "key_1", label: "alice" }
 * @public
 */
export function actorRef(p: Principal): ActorRef {
  switch (p.kind) {
    case "key":
      return { kind: "key", id: p.id, label: p.label };
    case "share":
      return { kind: "share", id: p.id, label: `${p.scope}:${p.subject}` };
    case "job":
      return { kind: "job", id: p.id, label: `${p.pack}/${p.job}` };
    case "operator":
      return { kind: "operator", id: p.id, label: `valhalla ${p.command}` };
    default:
      return { kind: "anonymous", id: "anonymous", label: p.label };
  }
}

/**
 * A one-line name for a principal, for fields that hold a plain string (activity `by`).
 * @example principalLabel({ kind: "key", id: "key_1", label: "alice", scopes: [] }) // "alice (key_1)"
 * @public
 */
export function principalLabel(p: Principal): string {
  const ref = actorRef(p);
  return ref.kind === "anonymous" ? ref.label : `${ref.label} (${ref.id})`;
}

/** The principal of a job run. @internal */
export function jobPrincipal(pack: string, job: string, tickId: string): Principal {
  return { kind: "job", id: tickId, pack, job };
}
