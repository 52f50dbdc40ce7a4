import { type Driver, redis } from "@valhalla/runtime";
import { driverSuite } from "@valhalla/runtime/testing";
import { isolatedRedis, redisStore } from "../services.js";

const stores = new WeakMap<Driver, ReturnType<typeof isolatedRedis>>();

driverSuite({
  name: "redis",
  skip: redisStore.skip && "VALHALLA_TEST_REDIS_URL is not set",
  create: () => {
    const store = isolatedRedis();
    const d = redis({ url: store.url, prefix: store.prefix });
    stores.set(d, store);
    return d;
  },
  connect: (d) => redis({ url: stores.get(d)!.url, prefix: stores.get(d)!.prefix }),
  destroy: (d) => stores.get(d)!.cleanup(),
  capabilities: { locks: "cluster", indexes: "native", durable: true },
});
