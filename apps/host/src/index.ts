/**
 * @module @valhalla/host — compose packs into an HTTP host (`createHost`) and run it.
 */
export { type HostConfig, loadConfig } from "./config.js";
export { type CreateHostOptions, createHost, type Host } from "./create-host.js";
export { IDEMPOTENCY_NS, type IdempotencyOptions } from "./http/idempotency.js";
export type { RouteGuard } from "./http/mount-routes.js";
export { jsonLogger, silentLogger } from "./log.js";
export { installedPacks, selectPacks } from "./packs.js";
export {
  API_KEYS_NS,
  type ApiKeyInfo,
  type ApiKeyStore,
  apiKeyStore,
  parseScopes,
  scopeAllows,
} from "./security/api-keys.js";
export type { AuthOptions } from "./security/auth.js";
export type { HardeningOptions } from "./security/install-security.js";
export type { Principal } from "./security/principal.js";
export type { RateLimitOptions } from "./security/rate-limit.js";
export {
  SHARE_TOKENS_NS,
  type ShareTokenInfo,
  type ShareTokenStore,
  shareTokenStore,
} from "./security/share-tokens.js";
export { createDriver, DEFAULT_STORAGE } from "./storage/create-driver.js";
