import { project } from "../vitest.shared.ts";

// The harness tests start server children and drive each for a fixed second or two; on a loaded
// machine (CI under load) the features case alone runs six servers. The timeout only guards against
// a hang: nothing here asserts a speed.
export default project("bench", { testTimeout: 120_000 });
