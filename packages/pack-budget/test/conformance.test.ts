import { bills } from "@valhalla/pack-bills";
import { packSuite } from "@valhalla/runtime/testing";
import { budget } from "../src/index.js";

// The same conformance kit third parties run: contract, storage isolation, routes, jobs, brief.
packSuite({ pack: budget, deps: [bills] });
