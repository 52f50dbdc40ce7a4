/**
 * Typed failures of the storage layer. The host maps each to one HTTP status; packs may catch them.
 * @module
 */

/** A conditional write saw another revision: the caller's copy is stale (HTTP 412). @public */
export class ConflictError extends Error {
  override readonly name = "ConflictError";
  constructor(
    readonly namespace: string,
    readonly id: string,
    readonly expectedRev: number | undefined,
    readonly currentRev: number | undefined,
  ) {
    super(
      expectedRev === undefined
        ? `Record '${id}' was changed concurrently`
        : `Record '${id}' is at rev ${currentRev ?? "none"}, not rev ${expectedRev}`,
    );
  }
}

/** The record does not exist (HTTP 404). @public */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  constructor(
    readonly namespace: string,
    readonly id: string,
  ) {
    super(`No record '${id}' in '${namespace}'`);
  }
}

/** A value cannot be stored alike on every driver (HTTP 400): NUL, lone surrogate, bad id, too deep. @public */
export class InvalidValueError extends Error {
  override readonly name = "InvalidValueError";
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** A write carried a lease that is no longer held: a fenced, late writer (see RELIABILITY S3). @public */
export class FencedError extends Error {
  override readonly name = "FencedError";
  constructor(readonly lockKey: string) {
    super(`Write rejected: lease '${lockKey}' is no longer held by this writer`);
  }
}
