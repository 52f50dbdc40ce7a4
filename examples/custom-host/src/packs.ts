import { holdings } from "@valhalla/pack-holdings";
import type { AnyPack } from "@valhalla/runtime";
import { inventory } from "@valhalla-examples/pack-inventory";

/**
 * The packs this host serves. Adding a pack is one import and one entry, e.g.
 * `import { bills } from "@valhalla/pack-bills";` then `bills,` below.
 * Also loadable by the CLI: `valhalla validate --module ./dist/packs.js`.
 */
export const packs: readonly AnyPack[] = [
  inventory, // our own pack, from a tarball or a registry like any other
  holdings,
];

export default packs;
