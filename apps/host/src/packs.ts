import { bills } from "@valhalla/pack-bills";
import { budget } from "@valhalla/pack-budget";
import { dispo } from "@valhalla/pack-dispo";
import { holdings } from "@valhalla/pack-holdings";
import { underwriter } from "@valhalla/pack-underwriter";
import { wholesale } from "@valhalla/pack-wholesale";
import type { AnyPack } from "@valhalla/runtime";

/**
 * Every pack this host ships with, in the order they are listed. `VALHALLA_PACKS` picks a subset.
 */
// biome-ignore format: one pack per line keeps additions conflict-free
export const installedPacks: readonly AnyPack[] = [
  holdings,
  wholesale,
  dispo,
  underwriter,
  bills,
  budget,
];

/** Choose packs by code; unknown codes are an error naming them and the known ones. */
export function selectPacks(
  codes: readonly string[],
  available: readonly AnyPack[] = installedPacks,
): AnyPack[] {
  if (codes.length === 0) return [...available];
  const unknown = codes.filter((c) => !available.some((p) => p.code === c));
  if (unknown.length) {
    throw new Error(
      `[valhalla] [config] Unknown pack(s) ${unknown.map((c) => `'${c}'`).join(", ")} in VALHALLA_PACKS; installed: ${available.map((p) => p.code).join(", ")}`,
    );
  }
  return available.filter((p) => codes.includes(p.code));
}
