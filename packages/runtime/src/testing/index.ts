/**
 * @module @valhalla/runtime/testing — the conformance kit: run `driverSuite` against any storage
 * driver (yours too). Needs vitest, an optional peer dependency.
 */
export { type DriverSuiteOptions, driverSuite } from "./driver-suite.js";
export { testServiceUrl } from "./test-service-url.js";
