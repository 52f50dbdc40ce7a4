import { type Driver, postgres } from "@valhalla/runtime";
import { driverSuite } from "@valhalla/runtime/testing";
import { isolatedPostgres, postgresStore } from "../services.js";

const stores = new WeakMap<Driver, ReturnType<typeof isolatedPostgres>>();

driverSuite({
  name: "postgres",
  skip: postgresStore.skip && "VALHALLA_TEST_POSTGRES_URL is not set",
  create: () => {
    const store = isolatedPostgres();
    const d = postgres({ url: store.url, schema: store.schema, pool: { max: 4 } });
    stores.set(d, store);
    return d;
  },
  connect: (d) => postgres({ url: stores.get(d)!.url, schema: stores.get(d)!.schema, pool: { max: 4 } }),
  destroy: (d) => stores.get(d)!.cleanup(),
  capabilities: { locks: "cluster", indexes: "native", durable: true },
});
