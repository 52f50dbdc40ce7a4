/**
 * @module @valhalla/runtime/testing — the conformance kit run from your own Vitest suite:
 * `packSuite` for a pack, `driverSuite` for a storage driver (yours too). Needs vitest, an optional
 * peer dependency.
 */
export { type DriverSuiteOptions, driverSuite } from "./driver-suite.js";
export { type PackSuiteOptions, packSuite } from "./pack-suite.js";
export { testServiceUrl } from "./test-service-url.js";
