/**
 * @module @valhalla/runtime/testing — conformance kit run from a pack author's own Vitest suite.
 */
export { type PackSuiteOptions, packSuite } from "./pack-suite.js";
