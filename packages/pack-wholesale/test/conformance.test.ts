import { packSuite } from "@valhalla/runtime/testing";
import { wholesale } from "../src/index.js";

// The same conformance kit third parties run: contract, storage isolation, routes, jobs, brief.
packSuite({ pack: wholesale });
