import { bills } from "@valhalla/pack-bills";
import { budget } from "@valhalla/pack-budget";
import type { AnyPack } from "@valhalla/runtime";
import { inventory } from "@valhalla-examples/pack-inventory";

/**
 * The packs this host serves: our own inventory pack with the household bills and budget packs.
 * Adding a pack is one import and one entry. Also loadable by the CLI:
 * `valhalla validate --module ./dist/packs.js`.
 */
export const packs: readonly AnyPack[] = [
  inventory, // our own pack, from a tarball or a registry like any other
  bills,
  budget,
];

export default packs;
