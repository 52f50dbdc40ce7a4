import { formatMoney } from "@valhalla/runtime";

/** Minor units as `1,234.50 USD`, or a dash when unknown. @internal */
export function money(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return "—";
  const [whole, frac] = formatMoney({ amount_minor: minor, currency }).split(".");
  const grouped = (whole ?? "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${frac === undefined ? grouped : `${grouped}.${frac}`} ${currency}`;
}

/** An ISO date-time as `2026-12-03 08:30` (UTC), for tables. @internal */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : "—";
}
