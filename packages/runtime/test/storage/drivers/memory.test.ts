import { memory } from "@valhalla/runtime";
import { driverSuite } from "@valhalla/runtime/testing";

driverSuite({
  name: "memory",
  create: () => memory(),
  capabilities: { locks: "process", indexes: "native", durable: false },
});
