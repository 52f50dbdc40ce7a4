/**
 * @module @valhalla/runtime/testing — the conformance kit run from your own Vitest suite:
 * `packSuite` for a pack, `driverSuite` for a storage driver (yours too), and `isolatedStores` for
 * tests that need a store of each kind to themselves. Needs vitest, an optional peer dependency.
 */
export { type DriverSuiteOptions, driverSuite } from "./driver-suite.js";
export { type IsolatedStore, isolatedStores } from "./isolated-stores.js";
export { type PackSuiteOptions, packSuite } from "./pack-suite.js";
export { testServiceUrl } from "./test-service-url.js";
