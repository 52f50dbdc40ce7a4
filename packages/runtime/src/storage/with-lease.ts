import { createError } from "../errors/create-error.js";
import type { Driver, Lease } from "./driver.js";

/** Thrown when a lock cannot be had within the wait. @public */
export class LockTimeoutError extends Error {
  override readonly name = "LockTimeoutError";
  constructor(readonly key: string) {
    super(`Could not take lock '${key}' in time`);
  }
}

/**
 * Run `fn` under a lease on `key`, renewing it at a third of its TTL and releasing it (token
 * checked) afterwards. Waits with jittered backoff up to `waitMs`.
 * @public
 */
export async function withLease<T>(
  driver: Driver,
  key: string,
  ttlMs: number,
  fn: (lease: Lease) => Promise<T>,
  options: { waitMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.waitMs ?? 5000);
  let lease = await driver.acquire(key, ttlMs);
  let delay = 5;
  while (!lease) {
    if (Date.now() >= deadline) throw new LockTimeoutError(key);
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 200);
    lease = await driver.acquire(key, ttlMs);
  }
  let held: Lease = lease;
  const timer = setInterval(
    () => {
      driver.extend(held, ttlMs).then(
        (next) => {
          if (next) held = next;
        },
        () => {},
      );
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref?.();
  try {
    return await fn(held);
  } finally {
    clearInterval(timer);
    await driver.release(held).catch((cause: unknown) => {
      throw createError(driver.name, `Failed to release lock '${key}'`, { cause });
    });
  }
}
