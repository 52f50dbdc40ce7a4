import { randomBytes } from "node:crypto";
import { type Driver, postgres } from "@valhalla/runtime";
import { driverSuite, testServiceUrl } from "@valhalla/runtime/testing";
import { dropPostgresSchema } from "../services.js";

const url = testServiceUrl("VALHALLA_TEST_POSTGRES_URL");
const schemas = new WeakMap<Driver, string>();

driverSuite({
  name: "postgres",
  skip: !url && "VALHALLA_TEST_POSTGRES_URL is not set",
  create: () => {
    const schema = `vt_${randomBytes(6).toString("hex")}`;
    const d = postgres({ url: url!, schema, pool: { max: 4 } });
    schemas.set(d, schema);
    return d;
  },
  connect: (d) => postgres({ url: url!, schema: schemas.get(d)!, pool: { max: 4 } }),
  destroy: (d) => dropPostgresSchema(url!, schemas.get(d)!),
  capabilities: { locks: "cluster", indexes: "native", durable: true },
});
