import { type IsolatedStore, isolatedStores } from "@valhalla/runtime/testing";

const stores = isolatedStores();
const store = (name: IsolatedStore["name"]): IsolatedStore => stores.find((s) => s.name === name)!;
export const redisStore = store("redis");
export const postgresStore = store("postgres");

/**
 * A fresh key prefix from {@link redisStore}, split into the redis driver's options: the drivers
 * take the prefix or schema as an option, only the host's `createDriver` reads it off the URL.
 */
export function isolatedRedis(): { url: string; prefix: string; cleanup(): Promise<void> } {
  const { url, cleanup } = redisStore.make();
  const { base, value } = takeParam(url, "prefix");
  return { url: base, prefix: value, cleanup };
}

/** A fresh schema from {@link postgresStore}, split into the postgres driver's options. */
export function isolatedPostgres(): { url: string; schema: string; cleanup(): Promise<void> } {
  const { url, cleanup } = postgresStore.make();
  const { base, value } = takeParam(url, "schema");
  return { url: base, schema: value, cleanup };
}

function takeParam(url: string, name: string): { base: string; value: string } {
  const parsed = new URL(url);
  const value = parsed.searchParams.get(name);
  if (value === null) throw new Error(`isolated store URL without ?${name}=`);
  parsed.searchParams.delete(name);
  return { base: parsed.toString(), value };
}
