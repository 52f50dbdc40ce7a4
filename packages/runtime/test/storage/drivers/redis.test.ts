import { randomBytes } from "node:crypto";
import { type Driver, redis } from "@valhalla/runtime";
import { driverSuite, testServiceUrl } from "@valhalla/runtime/testing";
import { dropRedisPrefix } from "../services.js";

const url = testServiceUrl("VALHALLA_TEST_REDIS_URL");
const prefixes = new WeakMap<Driver, string>();

driverSuite({
  name: "redis",
  skip: !url && "VALHALLA_TEST_REDIS_URL is not set",
  create: () => {
    const prefix = `vt:${randomBytes(6).toString("hex")}:`;
    const d = redis({ url: url!, prefix });
    prefixes.set(d, prefix);
    return d;
  },
  connect: (d) => redis({ url: url!, prefix: prefixes.get(d)! }),
  destroy: (d) => dropRedisPrefix(url!, prefixes.get(d)!),
  capabilities: { locks: "cluster", indexes: "native", durable: true },
});
