/**
 * @module @valhalla/host — compose packs into an HTTP host (`createHost`) and run it.
 */
export { type HostConfig, loadConfig } from "./config.js";
export { type CreateHostOptions, createHost, type Host } from "./create-host.js";
export type { RouteGuard } from "./http/mount-routes.js";
export { jsonLogger, silentLogger } from "./log.js";
export { installedPacks, selectPacks } from "./packs.js";
export { createDriver, DEFAULT_STORAGE } from "./storage/create-driver.js";
