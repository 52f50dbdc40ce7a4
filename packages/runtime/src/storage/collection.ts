import * as v from "valibot";
import { ConflictError, FencedError, InvalidValueError, NotFoundError } from "../errors/storage-errors.js";
import { createId, isValidId } from "../ids/create-id.js";
import { merge } from "../internal/merge.js";
import { type Driver, encodeIndexValue, type IndexValues, type Lease, type StoredRecord } from "./driver.js";
import { assertStorable } from "./storable.js";

/** Fields every stored record carries. @public */
export interface RecordMeta {
  readonly id: string;
  readonly rev: number;
  readonly created_at: string;
  readonly updated_at: string;
}

/** A stored record: the pack's data plus id, rev and timestamps. @public */
export type Stored<T> = T & RecordMeta;

/** Declaration of one storage namespace: id prefix, record schema and the indexes it needs. @public */
export interface CollectionDef<S extends v.GenericSchema = v.GenericSchema, I extends string = string> {
  readonly kind: "collection";
  readonly prefix: string;
  readonly schema: S;
  readonly indexes: readonly I[];
}

/**
 * Declare a storage namespace of a pack.
 *
 * @param options.prefix - id prefix (`asset` → `asset_01J…`), lowercase letters and digits
 * @param options.schema - valibot schema of the record's own fields (without id/rev/timestamps)
 * @param options.indexes - fields listed or filtered by; each must hold a scalar
 * @example
 * storage: { assets: collection({ prefix: "asset", schema: Asset, indexes: ["type", "active"] }) }
 * @public
 */
export function collection<S extends v.GenericSchema, const I extends string = never>(options: {
  prefix: string;
  schema: S;
  indexes?: readonly I[];
}): CollectionDef<S, I> {
  if (!/^[a-z][a-z0-9]{0,15}$/.test(options.prefix)) {
    throw new TypeError(`Invalid collection prefix '${options.prefix}', must match /^[a-z][a-z0-9]{0,15}$/`);
  }
  return {
    kind: "collection",
    prefix: options.prefix,
    schema: options.schema,
    indexes: options.indexes ?? [],
  };
}

/** Scalar values an index can match. @public */
export type IndexScalar = string | number | boolean | null;

/** A listing request. @public */
export interface ListOptions<I extends string = string> {
  readonly where?: Partial<Record<I, IndexScalar | undefined>>;
  /** Opaque cursor from a previous page's `next_cursor`. */
  readonly cursor?: string | undefined;
  /** Page size, 1–500. @default 50 */
  readonly limit?: number | undefined;
  /** `desc` lists newest first. @default "desc" */
  readonly order?: "asc" | "desc" | undefined;
}

/** One page of a listing. @public */
export interface Page<T> {
  readonly items: Stored<T>[];
  readonly next_cursor: string | null;
}

/** Per-call write options. @public */
export interface WriteOptions {
  /** Only replace the record at this revision (optimistic concurrency → `ConflictError`). */
  readonly ifRev?: number | undefined;
  /** Abort before commit (request timeout, job lease lost). */
  readonly signal?: AbortSignal | undefined;
}

/** The only way a pack touches storage: one namespace, its schema and its indexes. @public */
export interface Collection<T, I extends string = string> {
  readonly namespace: string;
  create(data: T, options?: WriteOptions & { id?: string }): Promise<Stored<T>>;
  /**
   * Create many records (at most {@link MAX_BATCH}) as one batch. On drivers with `writeMany`
   * (memory, SQLite, Postgres) they all land or none does, for the cost of one commit; a
   * `ConflictError` names the first id that already exists. On the others they are written one by
   * one, and a failure leaves the ones before it. Every record is validated before any is written.
   */
  createMany(
    items: readonly { readonly data: T; readonly id?: string }[],
    options?: WriteOptions,
  ): Promise<Stored<T>[]>;
  get(id: string): Promise<Stored<T> | null>;
  /** @throws NotFoundError */
  require(id: string): Promise<Stored<T>>;
  /** Merge a patch (or apply a function) and bump `rev`; retries internally unless `ifRev` is given. */
  update(
    id: string,
    change: Partial<T> | ((current: Stored<T>) => T),
    options?: WriteOptions,
  ): Promise<Stored<T>>;
  delete(id: string, options?: WriteOptions): Promise<boolean>;
  list(options?: ListOptions<I>): Promise<Page<T>>;
  count(where?: Partial<Record<I, IndexScalar | undefined>>): Promise<number>;
  /** Every record (optionally through an index), page by page, without holding them all. */
  iterate(options?: Omit<ListOptions<I>, "cursor" | "limit">): AsyncIterable<Stored<T>>;
}

/** Options for binding collections to a driver. @internal */
export interface BindOptions {
  readonly guard?: Lease | undefined;
  /** Checked at each commit, read then and not at bind time (a getter here stays lazy). */
  readonly signal?: Pick<AbortSignal, "aborted" | "reason"> | undefined;
  readonly now?: (() => Date) | undefined;
}

const MAX_RETRIES = 100;
/** Most records one `createMany` call takes. @public */
export const MAX_BATCH = 1000;

/**
 * Build the runtime collection for a declared namespace.
 *
 * A class with its methods on the prototype, not a bag of closures: request contexts bind their
 * namespaces per request, so binding must cost next to nothing (six namespaces with nine arrow
 * fields each were 54 closures per GET). Call methods on the collection (`assets.get(id)`); a
 * detached method has no `this`.
 * @internal
 */
export function bindCollection<T, I extends string>(
  driver: Driver,
  namespace: string,
  def: CollectionDef<v.GenericSchema, I>,
  opts: BindOptions = {},
): Collection<T, I> {
  return new BoundCollection<T, I>(driver, namespace, def, opts);
}

const decodeCursor = (cursor: string): string => {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!isValidId(id)) throw new InvalidValueError("cursor", "The cursor is not one this API returned");
  return id;
};

class BoundCollection<T, I extends string> implements Collection<T, I> {
  constructor(
    private readonly driver: Driver,
    readonly namespace: string,
    private readonly def: CollectionDef<v.GenericSchema, I>,
    private readonly opts: BindOptions,
  ) {}

  private now(): string {
    return (this.opts.now ? this.opts.now() : new Date()).toISOString();
  }

  private checkAbort(signal?: Pick<AbortSignal, "aborted" | "reason">): void {
    const s = signal ?? this.opts.signal;
    if (s?.aborted) throw s.reason instanceof Error ? s.reason : new Error("Aborted before commit");
  }

  private parse(raw: StoredRecord): Stored<T> {
    return JSON.parse(raw.value) as Stored<T>;
  }

  private indexOf(rec: Record<string, unknown>): IndexValues {
    const out: Record<string, string> = {};
    for (const f of this.def.indexes) {
      const enc = encodeIndexValue(rec[f]);
      if (enc !== undefined) out[f] = enc;
    }
    return out;
  }

  private encodeWhere(
    where: Partial<Record<I, IndexScalar | undefined>> | undefined,
  ): IndexValues | undefined {
    if (!where) return undefined;
    const out: Record<string, string> = {};
    for (const [f, val] of Object.entries(where)) {
      if (val === undefined) continue;
      if (!this.def.indexes.includes(f as I)) {
        throw new InvalidValueError(
          f,
          `'${f}' is not an index of '${this.namespace}'; declared: ${this.def.indexes.join(", ") || "none"}`,
        );
      }
      const enc = encodeIndexValue(val);
      if (enc === undefined)
        throw new InvalidValueError(f, `'${f}' must be a string, number, boolean or null`);
      out[f] = enc;
    }
    return Object.keys(out).length ? out : undefined;
  }

  private validate(data: unknown): Record<string, unknown> {
    const result = v.safeParse(this.def.schema, data);
    if (!result.success) {
      const issue = result.issues[0];
      const path = v.getDotPath(issue) ?? "";
      throw new InvalidValueError(
        path,
        `Invalid '${this.namespace}' record${path ? ` at '${path}'` : ""}: ${issue.message}`,
      );
    }
    assertStorable(result.output);
    return result.output as Record<string, unknown>;
  }

  private async commit(record: Stored<T>, expectRev: number, signal?: AbortSignal): Promise<void> {
    this.checkAbort(signal);
    const guard = this.opts.guard;
    const res = await this.driver.write(this.namespace, {
      record: { id: record.id, rev: record.rev, value: JSON.stringify(record) },
      index: this.indexOf(record as Record<string, unknown>),
      expectRev,
      ...(guard ? { guard } : {}),
    });
    if (res.ok) return;
    if (res.reason === "fenced") throw new FencedError(guard?.key ?? this.namespace);
    throw new ConflictError(this.namespace, record.id, expectRev, res.currentRev);
  }

  async create(data: T, options: WriteOptions & { id?: string } = {}): Promise<Stored<T>> {
    const id = options.id ?? createId(this.def.prefix);
    if (!isValidId(id)) throw new InvalidValueError("id", `Invalid id '${id}'`);
    const clean = this.validate(data);
    const ts = this.now();
    const record = merge(clean, { id, rev: 1, created_at: ts, updated_at: ts }) as Stored<T>;
    await this.commit(record, 0, options.signal);
    return record;
  }

  async createMany(
    items: readonly { readonly data: T; readonly id?: string }[],
    options: WriteOptions = {},
  ): Promise<Stored<T>[]> {
    if (items.length > MAX_BATCH)
      throw new InvalidValueError(
        "items",
        `At most ${MAX_BATCH} records per createMany, not ${items.length}`,
      );
    const ts = this.now();
    const records = items.map((item) => {
      const id = item.id ?? createId(this.def.prefix);
      if (!isValidId(id)) throw new InvalidValueError("id", `Invalid id '${id}'`);
      return merge(this.validate(item.data), { id, rev: 1, created_at: ts, updated_at: ts }) as Stored<T>;
    });
    if (records.length === 0) return records;
    if (!this.driver.writeMany) {
      for (const r of records) await this.commit(r, 0, options.signal);
      return records;
    }
    this.checkAbort(options.signal);
    const guard = this.opts.guard;
    const res = await this.driver.writeMany(
      this.namespace,
      records.map((record) => ({
        record: { id: record.id, rev: 1, value: JSON.stringify(record) },
        index: this.indexOf(record as Record<string, unknown>),
        expectRev: 0,
        ...(guard ? { guard } : {}),
      })),
    );
    if (res.ok) return records;
    if (res.reason === "fenced") throw new FencedError(guard?.key ?? this.namespace);
    throw new ConflictError(this.namespace, records[res.failedAt]?.id ?? "", 0, res.currentRev);
  }

  async get(id: string): Promise<Stored<T> | null> {
    if (!isValidId(id)) return null;
    const raw = await this.driver.get(this.namespace, id);
    return raw ? this.parse(raw) : null;
  }

  async require(id: string): Promise<Stored<T>> {
    const rec = await this.get(id);
    if (!rec) throw new NotFoundError(this.namespace, id);
    return rec;
  }

  async update(
    id: string,
    change: Partial<T> | ((current: Stored<T>) => T),
    options: WriteOptions = {},
  ): Promise<Stored<T>> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.require(id);
      if (options.ifRev !== undefined && cur.rev !== options.ifRev) {
        throw new ConflictError(this.namespace, id, options.ifRev, cur.rev);
      }
      const {
        id: _i,
        rev: _r,
        created_at,
        updated_at: _u,
        ...data
      } = cur as Stored<T> & Record<string, unknown>;
      const next = typeof change === "function" ? change(cur) : merge(data, change);
      const {
        id: _a,
        rev: _b,
        created_at: _c,
        updated_at: _d,
        ...nextData
      } = next as Record<string, unknown>;
      const clean = this.validate(nextData);
      const record = merge(clean, { id, rev: cur.rev + 1, created_at, updated_at: this.now() }) as Stored<T>;
      try {
        await this.commit(record, cur.rev, options.signal);
        return record;
      } catch (err) {
        // Without ifRev the caller asked for "apply my change to the latest": re-read and retry.
        if (err instanceof ConflictError && options.ifRev === undefined && attempt < MAX_RETRIES) {
          // Jittered backoff so a crowd of writers does not collide on every round.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** attempt, 50)));
          continue;
        }
        throw err;
      }
    }
  }

  async delete(id: string, options: WriteOptions = {}): Promise<boolean> {
    if (!isValidId(id)) return false;
    this.checkAbort(options.signal);
    const guard = this.opts.guard;
    const res = await this.driver.remove(this.namespace, id, options.ifRev, guard);
    if (res.ok) return res.removed ?? false;
    if (res.reason === "fenced") throw new FencedError(guard?.key ?? this.namespace);
    throw new ConflictError(this.namespace, id, options.ifRev, res.currentRev);
  }

  async list(options: ListOptions<I> = {}): Promise<Page<T>> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new InvalidValueError("limit", "limit must be an integer from 1 to 500");
    }
    const order = options.order ?? "desc";
    const where = this.encodeWhere(options.where);
    const query: { where?: IndexValues; after?: string; limit: number; order: "asc" | "desc" } = {
      limit: limit + 1,
      order,
    };
    if (where) query.where = where;
    if (options.cursor) query.after = decodeCursor(options.cursor);
    const rows = await this.driver.list(this.namespace, query);
    const items = rows.slice(0, limit).map((r) => this.parse(r));
    const last = items[items.length - 1];
    return {
      items,
      next_cursor: rows.length > limit && last ? Buffer.from(last.id, "utf8").toString("base64url") : null,
    };
  }

  count(where?: Partial<Record<I, IndexScalar | undefined>>): Promise<number> {
    return this.driver.count(this.namespace, this.encodeWhere(where));
  }

  iterate(options: Omit<ListOptions<I>, "cursor" | "limit"> = {}): AsyncIterable<Stored<T>> {
    const list = (o: ListOptions<I>) => this.list(o);
    return (async function* () {
      let cursor: string | undefined;
      do {
        const page = await list(merge(options, { cursor, limit: 500 }));
        yield* page.items;
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    })();
  }
}
