import { bills } from "@valhalla/pack-bills";
import { budget } from "@valhalla/pack-budget";
import { dispo } from "@valhalla/pack-dispo";
import { holdings } from "@valhalla/pack-holdings";
import { pipeline } from "@valhalla/pack-pipeline";
import { underwriter } from "@valhalla/pack-underwriter";
import { wholesale } from "@valhalla/pack-wholesale";
import type { AnyPack, ServiceRef } from "@valhalla/runtime";

/**
 * Every pack this host ships with, in the order they are listed. `VALHALLA_PACKS` picks a subset.
 */
// biome-ignore format: one pack per line keeps additions conflict-free
export const installedPacks: readonly AnyPack[] = [
  holdings,
  wholesale,
  dispo,
  underwriter,
  pipeline,
  bills,
  budget,
];

/**
 * Choose packs by code; unknown codes are an error naming them and the known ones. With no codes
 * and the host's own installed set (no `available` given), a pack whose hard requirement is not
 * installed is left out and reported to `onSkip`, so the default host always starts. Naming the
 * pack in VALHALLA_PACKS, or passing a set (`--module`), keeps the registry's error instead.
 */
export function selectPacks(
  codes: readonly string[],
  availableSet?: readonly AnyPack[],
  onSkip: (pack: string, missing: readonly string[]) => void = (pack, missing) =>
    console.warn(
      `[valhalla] [packs] Skipping '${pack}': requires ${missing.map((m) => `'${m}'`).join(", ")}, which is not installed`,
    ),
): AnyPack[] {
  const available = availableSet ?? installedPacks;
  if (codes.length === 0) return availableSet ? [...available] : withRequirementsMet(available, onSkip);
  const unknown = codes.filter((c) => !available.some((p) => p.code === c));
  if (unknown.length) {
    throw new Error(
      `[valhalla] [config] Unknown pack(s) ${unknown.map((c) => `'${c}'`).join(", ")} in VALHALLA_PACKS; installed: ${available.map((p) => p.code).join(", ")}`,
    );
  }
  return available.filter((p) => codes.includes(p.code));
}

// Drop packs with a missing hard requirement, repeatedly, since dropping one can strand another.
function withRequirementsMet(
  packs: readonly AnyPack[],
  onSkip: (pack: string, missing: readonly string[]) => void,
): AnyPack[] {
  let kept = [...packs];
  for (;;) {
    const codes = new Set(kept.map((p) => p.code));
    const missingOf = (p: AnyPack) =>
      Object.values((p.requires ?? {}) as Record<string, ServiceRef<unknown, boolean>>)
        .filter((r) => !r.optional && !codes.has(r.pack))
        .map((r) => r.pack);
    const dropped = kept.filter((p) => missingOf(p).length > 0);
    if (dropped.length === 0) return kept;
    for (const p of dropped) onSkip(p.code, [...new Set(missingOf(p))]);
    kept = kept.filter((p) => !dropped.includes(p));
  }
}
