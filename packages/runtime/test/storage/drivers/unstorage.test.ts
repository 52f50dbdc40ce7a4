import { unstorageDriver } from "@valhalla/runtime";
import { driverSuite } from "@valhalla/runtime/testing";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";

driverSuite({
  name: "unstorage(memory)",
  create: () => unstorageDriver({ storage: createStorage({ driver: memoryDriver() }) }),
  capabilities: { locks: "process", indexes: "scan", durable: false },
});
