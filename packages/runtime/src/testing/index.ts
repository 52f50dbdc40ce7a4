/**
 * @module @valhalla/runtime/testing — the conformance kit run from your own Vitest suite:
 * `packSuite` for a pack, `driverSuite` for a storage driver (yours too), `isolatedStores` for
 * tests that need a store of each kind to themselves, and `recordingDriver` to see which namespaces
 * a test's code listed and wrote. Needs vitest, an optional peer dependency.
 */
export { type DriverSuiteOptions, driverSuite } from "./driver-suite.js";
export { type IsolatedStore, isolatedStores } from "./isolated-stores.js";
export { type PackSuiteOptions, packSuite } from "./pack-suite.js";
export {
  type RecordedListing,
  type RecordingDriver,
  type RecordingDriverOptions,
  recordingDriver,
} from "./recording-driver.js";
export { testServiceUrl } from "./test-service-url.js";
