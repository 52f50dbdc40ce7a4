import fc from "fast-check";

/** A JSON Schema (draft 2020-12, as OpenAPI 3.1 embeds it), loosely typed. */
export type JsonSchema = { readonly [k: string]: unknown };

const MAX_DEPTH = 6;
/** Strings longer than this are rarely interesting and slow the run down. */
const MAX_STRING = 40;

/**
 * A fast-check arbitrary for values of `schema`, resolving `$ref`s into `doc`. It aims at values
 * the schema accepts (so valid requests reach the handlers), not at every corner of JSON Schema:
 * `const`, `enum`, `anyOf`/`oneOf`, type unions, strings (pattern, length, `date`, `date-time`,
 * `email`), numbers with bounds, arrays and objects (required and optional properties).
 */
export function arbitraryOf(
  schema: JsonSchema | undefined,
  doc: JsonSchema,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (!schema || depth > MAX_DEPTH) return fc.constant(null);
  const ref = schema.$ref;
  if (typeof ref === "string") return arbitraryOf(resolve(ref, doc), doc, depth + 1);
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  // Documented examples are values the server accepts where a pattern alone cannot say which
  // (a currency code is three capitals, but not every three capitals is a currency).
  if (Array.isArray(schema.examples) && schema.examples.length > 0)
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...(schema.examples as unknown[])) },
      { weight: 1, arbitrary: arbitraryOf({ ...schema, examples: undefined }, doc, depth + 1) },
    );
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives))
    return fc.oneof(...alternatives.map((s) => arbitraryOf(s, doc, depth + 1)));
  const type = schema.type;
  if (Array.isArray(type))
    return fc.oneof(...(type as string[]).map((t) => arbitraryOf({ ...schema, type: t }, doc, depth + 1)));
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({ min: num(schema.minimum, -1_000_000), max: num(schema.maximum, 1_000_000) });
    case "number":
      return fc.double({
        min: num(schema.minimum, -1_000_000),
        max: num(schema.maximum, 1_000_000),
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "string":
      return stringOf(schema);
    case "array": {
      const minLength = num(schema.minItems, 0);
      return fc.array(arbitraryOf(schema.items as JsonSchema | undefined, doc, depth + 1), {
        minLength,
        maxLength: Math.max(minLength, Math.min(num(schema.maxItems, 3), 3)),
      });
    }
    case "object":
      return objectOf(schema, doc, depth);
    default:
      return schema.properties ? objectOf(schema, doc, depth) : fc.jsonValue({ maxDepth: 2 });
  }
}

function objectOf(schema: JsonSchema, doc: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, s] of Object.entries(props)) model[k] = arbitraryOf(s, doc, depth + 1);
  if (Object.keys(model).length === 0) return fc.constant({});
  return fc.record(model, { requiredKeys: [...required].filter((k) => k in model) });
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = num(schema.minLength, 0);
  const maxLength = Math.max(minLength, Math.min(num(schema.maxLength, MAX_STRING), MAX_STRING));
  const fits = (s: string) =>
    s.length >= minLength && s.length <= num(schema.maxLength, Number.MAX_SAFE_INTEGER);
  switch (schema.format) {
    case "date-time":
      return isoDate().map((d) => d.toISOString());
    case "date":
      return isoDate().map((d) => d.toISOString().slice(0, 10));
    case "email":
      return fc.emailAddress().filter(fits);
  }
  if (typeof schema.pattern === "string") {
    // A pattern may allow longer strings than the schema's maxLength; keep the ones that fit.
    return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  }
  return fc.string({ minLength, maxLength });
}

const isoDate = () =>
  fc.date({
    min: new Date("2020-01-01T00:00:00Z"),
    max: new Date("2030-12-31T00:00:00Z"),
    noInvalidDate: true,
  });

const num = (v: unknown, fallback: number) => (typeof v === "number" ? v : fallback);

function resolve(ref: string, doc: JsonSchema): JsonSchema {
  let cur: unknown = doc;
  for (const part of ref.replace(/^#\//, "").split("/")) cur = (cur as Record<string, unknown>)[part];
  return cur as JsonSchema;
}
