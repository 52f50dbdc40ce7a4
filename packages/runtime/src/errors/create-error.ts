/**
 * Errors thrown in code (drivers, config, definitions) go through one factory so every message
 * reads `[valhalla] [area] message` and keeps its cause.
 *
 * @example
 * throw createError("redis", "Missing required option `url`.");
 * @public
 */
export function createError(area: string, message: string, options: { cause?: unknown } = {}): Error {
  const err = new Error(
    `[valhalla] [${area}] ${message}`,
    options.cause === undefined ? {} : { cause: options.cause },
  );
  Error.captureStackTrace?.(err, createError);
  return err;
}
