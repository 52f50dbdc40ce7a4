import { type IsolatedStore, isolatedStores } from "@valhalla/runtime/testing";

export type { IsolatedStore };

// Called once per test file, so a missing service's skip notice prints once.
const stores = isolatedStores();
const store = (name: IsolatedStore["name"]): IsolatedStore => stores.find((s) => s.name === name)!;

export const sqliteStore = store("sqlite");
export const redisStore = store("redis");
export const postgresStore = store("postgres");
