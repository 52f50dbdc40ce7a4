import * as v from "valibot";

/**
 * Reusable valibot schemas for route responses, for OpenAPI (`RouteDef.response.schema`): a
 * stored record (the pack's fields plus id, rev and timestamps) and a cursor page of a listing.
 * They describe what `Collection` returns; they are documentation, handlers are not checked
 * against them at run time.
 * @module
 */

/** Schema of the fields every stored record carries (`RecordMeta`). @public */
export const recordMeta = {
  id: v.string(),
  rev: v.pipe(v.number(), v.integer(), v.minValue(1)),
  created_at: v.pipe(v.string(), v.isoTimestamp()),
  updated_at: v.pipe(v.string(), v.isoTimestamp()),
};

/** An object schema whose entries can be reused (`v.object`, `v.looseObject`, `v.strictObject`). @public */
export type EntriesSchema<E extends v.ObjectEntries = v.ObjectEntries> =
  | v.ObjectSchema<E, v.ErrorMessage<v.ObjectIssue> | undefined>
  | v.LooseObjectSchema<E, v.ErrorMessage<v.LooseObjectIssue> | undefined>
  | v.StrictObjectSchema<E, v.ErrorMessage<v.StrictObjectIssue> | undefined>;

/**
 * A stored record as a collection returns it: the record schema's fields plus `id`, `rev`,
 * `created_at` and `updated_at`. Loose (extra fields allowed): records written before a migration
 * may carry fields the current schema no longer names.
 * @example
 * response: { status: 200, schema: stored(Asset) }
 * @public
 */
export function stored<E extends v.ObjectEntries>(
  schema: EntriesSchema<E>,
): v.LooseObjectSchema<E & typeof recordMeta, undefined> {
  return v.looseObject({ ...schema.entries, ...recordMeta });
}

/**
 * One page of a listing, as `Collection.list()` returns it: `{ items, next_cursor }`, where
 * `next_cursor` is `null` on the last page.
 * @example
 * response: { status: 200, schema: pageOf(stored(Asset)) }
 * @public
 */
export function pageOf<S extends v.GenericSchema>(item: S) {
  return v.object({ items: v.array(item), next_cursor: v.nullable(v.string()) });
}
