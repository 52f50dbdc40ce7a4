import { wholesale } from "@valhalla/pack-wholesale";
import { packSuite } from "@valhalla/runtime/testing";
import { underwriter } from "../src/index.js";

// The same conformance kit third parties run: contract, storage isolation, routes, jobs, brief.
packSuite({ pack: underwriter, deps: [wholesale] });
