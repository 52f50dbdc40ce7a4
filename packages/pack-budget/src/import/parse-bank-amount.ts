import { MoneyError, parseMoney } from "@valhalla/runtime";

/**
 * Read an amount as banks write it into signed minor units: `-12.50`, `12.50-`, `(12.50)`, `+12.50`,
 * currency symbols, thousands separators (`1,234.56`, or `1.234,56` with `decimal: ","`). Never a float.
 * @example parseBankAmount("(1,234.50)", "USD") // -123450
 * @returns minor units, or a reason the text is not an amount
 */
export function parseBankAmount(raw: string, currency: string, decimal: "." | "," = "."): number | string {
  let s = raw.replace(/[\s\u00a0\u202f]/g, "").replace(/[$€£¥]|^[A-Z]{3}|[A-Z]{3}$/g, "");
  if (s === "") return "is empty";
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (/^[-+]/.test(s)) {
    negative = negative !== (s[0] === "-");
    s = s.slice(1);
  } else if (/-$/.test(s)) {
    negative = !negative;
    s = s.slice(0, -1);
  }
  const thousands = decimal === "." ? "," : ".";
  const [whole = "", frac, extra] = s.split(decimal);
  if (extra !== undefined) return `'${raw}' has more than one decimal separator`;
  const grouped = new RegExp(`^\\d{1,3}(?:\\${thousands}\\d{3})+$`);
  if (!/^\d+$/.test(whole) && !grouped.test(whole)) return `'${raw}' is not an amount`;
  if (frac !== undefined && !/^\d+$/.test(frac)) return `'${raw}' is not an amount`;
  const plain = `${negative ? "-" : ""}${whole.split(thousands).join("")}${frac === undefined ? "" : `.${frac}`}`;
  try {
    return parseMoney(plain, currency).amount_minor;
  } catch (err) {
    return err instanceof MoneyError ? err.message : String(err);
  }
}
