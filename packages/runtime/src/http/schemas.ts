import * as v from "valibot";
import { isCurrency } from "../money/money.js";
import { isIsoDate, isTimeZone } from "../time/zoned-date.js";

/**
 * Reusable valibot schemas for request input: money as decimal strings, ISO dates, ids, query
 * integers and booleans (query values arrive as strings).
 * @module
 */

/** A record id in a path. @public */
export const idParam = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, "must be a record id"),
);

/** ISO 4217 currency code. @public */
export const currency = v.pipe(
  v.string(),
  // The pattern is what the API reference can say; the check is the real list of codes.
  v.regex(/^[A-Z]{3}$/, "must be an ISO 4217 currency code such as 'USD'"),
  v.check(isCurrency, "must be an ISO 4217 currency code such as 'USD'"),
  v.examples(["USD", "EUR", "GBP", "JPY"]),
);

/** A decimal amount as a string (`"1234.56"`), never a float. @public */
export const decimalString = v.pipe(
  v.string('must be a decimal string such as "12.34"'),
  v.regex(/^-?\d{1,15}(?:\.\d{1,6})?$/, 'must be a decimal string such as "12.34"'),
);

/** Calendar date `YYYY-MM-DD`. @public */
export const isoDate = v.pipe(
  v.string(),
  // `format: date` in the API reference; the check also refuses 2026-02-30.
  v.isoDate("must be a date in YYYY-MM-DD form"),
  v.check(isIsoDate, "must be a date in YYYY-MM-DD form"),
);

/** IANA time zone. @public */
export const timeZone = v.pipe(v.string(), v.check(isTimeZone, "must be an IANA time zone"));

/** A string without NUL or lone surrogates, trimmed length 1..max. @public */
export const text = (max = 500) =>
  v.pipe(
    v.string(),
    v.check((s) => !s.includes("\u0000") && s.isWellFormed(), "must not contain NUL or lone surrogates"),
    v.maxLength(max, `must be at most ${max} characters`),
  );

/** A non-empty `text`. @public */
export const requiredText = (max = 200) => v.pipe(text(max), v.trim(), v.minLength(1, "must not be empty"));

/** An integer in a query string. @public */
export const queryInt = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, "must be a whole number"),
    v.transform(Number),
    v.number(),
    v.integer(),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

/** `true`/`false` in a query string. @public */
export const queryBool = v.pipe(
  v.picklist(["true", "false"], "must be 'true' or 'false'"),
  v.transform((s) => s === "true"),
);

/** Cursor pagination query fields. @public */
export const pageQuery = {
  cursor: v.optional(v.pipe(v.string(), v.maxLength(400))),
  limit: v.optional(queryInt(1, 200)),
};
