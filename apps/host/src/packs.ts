import type { AnyPack, ServiceRef } from "@valhalla/runtime";

/**
 * The first-party packs, by package and export, in the order they are listed. They are optional
 * peers of `@valhalla/host`: a custom host installs only the ones it uses, and the `valhalla`
 * distribution installs all seven.
 */
// biome-ignore format: one pack per line keeps additions conflict-free
const FIRST_PARTY = [
  ["@valhalla/pack-holdings", "holdings"],
  ["@valhalla/pack-wholesale", "wholesale"],
  ["@valhalla/pack-dispo", "dispo"],
  ["@valhalla/pack-underwriter", "underwriter"],
  ["@valhalla/pack-pipeline", "pipeline"],
  ["@valhalla/pack-bills", "bills"],
  ["@valhalla/pack-budget", "budget"],
] as const;

/** The pack a package exports, or undefined when the package is not installed. */
async function loadPack(name: string, exported: string): Promise<AnyPack | undefined> {
  try {
    const mod = (await import(name)) as Record<string, AnyPack | undefined>;
    return mod[exported];
  } catch (err) {
    // Only the package itself being absent means "not installed"; anything else is a real error.
    const e = err as { code?: string; message?: string };
    if (e.code === "ERR_MODULE_NOT_FOUND" && e.message?.includes(`'${name}'`)) return undefined;
    throw err;
  }
}

/**
 * The first-party packs installed next to the host, in the order they are listed (all seven with
 * the `valhalla` distribution). `VALHALLA_PACKS` picks a subset; `--module` replaces the set.
 */
export const installedPacks: readonly AnyPack[] = (
  await Promise.all(FIRST_PARTY.map(([name, exported]) => loadPack(name, exported)))
).filter((p): p is AnyPack => p !== undefined);

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
