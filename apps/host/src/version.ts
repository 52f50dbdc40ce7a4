import { createRequire } from "node:module";

/** This package's version, from its package.json (one source of truth). @internal */
export const HOST_VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string })
  .version;
