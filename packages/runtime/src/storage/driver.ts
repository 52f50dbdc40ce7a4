/**
 * The storage capability interface every backend implements natively. unstorage gives plain
 * key/value; a real system also needs compare-and-set, secondary indexes, leases and the store's
 * own clock, so drivers implement those directly (Lua, SQL, transactions, a Map).
 * @module
 */

/** What a driver can guarantee; the registry reads it to warn or refuse. @public */
export interface DriverCapabilities {
  /** `process`: locks hold within one process only. `cluster`: across every process sharing the store. */
  readonly locks: "process" | "cluster";
  /** `native`: index lookups without reading the namespace. `scan`: listing reads every record. */
  readonly indexes: "native" | "scan";
  /** Whether acknowledged writes survive a process crash. */
  readonly durable: boolean;
}

/** A stored record: its JSON text is produced and parsed by the runtime, never by the driver. @public */
export interface StoredRecord {
  readonly id: string;
  readonly rev: number;
  /** The full record serialized with `JSON.stringify`. */
  readonly value: string;
}

/** Encoded index values of one record: field → encoded value (see `encodeIndexValue`). @public */
export type IndexValues = Readonly<Record<string, string>>;

/** A held lease: a lock with owner token and a fencing number that grows with every grant. @public */
export interface Lease {
  readonly key: string;
  readonly token: string;
  readonly fence: number;
  /** Expiry on the store's clock, ms since epoch. */
  readonly expiresAt: number;
}

/** A listing request against one namespace. @public */
export interface ListQuery {
  /** Equality on declared index fields, already encoded. All must match. */
  readonly where?: IndexValues;
  /** Exclusive cursor: the id after which (in `order`) to continue. */
  readonly after?: string;
  readonly limit: number;
  readonly order: "asc" | "desc";
}

/** A write request: the record, its index values and the revision the caller expects to replace. @public */
export interface WriteRequest {
  readonly record: StoredRecord;
  readonly index: IndexValues;
  /** 0 to insert a new record (fails if it exists); otherwise the current rev to replace. */
  readonly expectRev: number;
  /** When set, the write commits only while this lease is still held (fencing). */
  readonly guard?: Lease;
  /**
   * Bookkeeping write (the scheduler's own history entry): fenced by `guard` like any other, but not
   * added to the lease's write count (see `Driver.leaseWrites`). Guarded writes count by default.
   */
  readonly uncounted?: boolean;
}

/** What the store knows about the guarded writes of one grant of a lease key. @public */
export interface LeaseWrites {
  /**
   * Fence of the key's latest grant (0 when never granted). A grant whose fence is lower can never
   * commit a guarded write again, so its `writes` is final.
   */
  readonly currentFence: number;
  /**
   * Guarded writes and removes committed under the asked-for fence, counted in the same transaction
   * (or Lua script) as the write itself. Counts of the 1000 grants before the latest are dropped.
   */
  readonly writes: number;
}

/**
 * The named steps of a write inside a transactional driver (SQLite, Postgres), for crash tests:
 * `begin` (transaction open, guard checked, nothing written), `record` (record row written),
 * `index` (index rows written, not committed), `commit` (committed, not yet acknowledged).
 * @public
 */
export type WritePoint = "begin" | "record" | "index" | "commit";

/**
 * A hook called at each {@link WritePoint} of every record write (crash tests kill the process
 * there). Synchronous on purpose: nothing else runs between the step and the hook. Tests only.
 * @public
 */
export type WriteFaults = (point: WritePoint, write: { ns: string; id: string; rev: number }) => void;

/** Outcome of a batch of conditional writes: every one committed, or none did. @public */
export type BatchWriteResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: "conflict" | "fenced";
      readonly currentRev?: number;
      /** Position in the batch of the write that failed. */
      readonly failedAt: number;
    };

/** Outcome of a conditional write. @public */
export type WriteResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: "conflict" | "fenced"; readonly currentRev?: number };

/**
 * A storage backend. Implementations live one per file in `storage/drivers/` and all pass the
 * shared `driverSuite` from `@valhalla/runtime/testing`.
 * @public
 */
export interface Driver {
  readonly name: string;
  readonly capabilities: DriverCapabilities;
  /** Create tables, connect; idempotent. */
  init(): Promise<void>;
  /** Check the backend answers; throws when it does not. */
  ping(): Promise<void>;
  get(ns: string, id: string): Promise<StoredRecord | null>;
  /** Atomic conditional insert/replace of a record together with its index entries. */
  write(ns: string, req: WriteRequest): Promise<WriteResult>;
  /**
   * Many conditional writes to one namespace as one transaction: all commit, or none does (the
   * first conflict or fence is returned, with `failedAt` its position). Optional: a backend that
   * cannot do this leaves it out, and `Collection.createMany` then writes one record at a time. On
   * SQLite and Postgres a batch costs one commit (one fsync) instead of one per record.
   */
  writeMany?(ns: string, reqs: readonly WriteRequest[]): Promise<BatchWriteResult>;
  /** Delete, optionally only at `expectRev`; returns whether a record was removed. */
  remove(
    ns: string,
    id: string,
    expectRev?: number,
    guard?: Lease,
  ): Promise<WriteResult & { removed?: boolean }>;
  /** Ids in order, through the index when `where` is given. */
  list(ns: string, query: ListQuery): Promise<StoredRecord[]>;
  /** Count records (optionally through an index). */
  count(ns: string, where?: IndexValues): Promise<number>;
  /** Every namespace that holds at least one record. */
  namespaces(): Promise<string[]>;
  /** Stream every record of a namespace in id order (export). */
  scan(ns: string): AsyncIterable<StoredRecord>;
  /** Take a lease if free or expired. */
  acquire(key: string, ttlMs: number): Promise<Lease | null>;
  /** Extend a lease still held by its token. */
  extend(lease: Lease, ttlMs: number): Promise<Lease | null>;
  /** Release a lease only when the token still holds it. */
  release(lease: Lease): Promise<boolean>;
  /**
   * How many counted guarded writes committed under grant `fence` of lease `key`, and the key's
   * current fence. Optional: without it the scheduler records `committed_writes: null` (unknown) and
   * its janitor can only take over leases that are free or expired.
   */
  leaseWrites?(key: string, fence: number): Promise<LeaseWrites>;
  /**
   * Atomically count one hit in a fixed window starting at the first hit (rate limits).
   * Returns the count including this hit and when the window resets (store clock, ms).
   */
  incr(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>;
  /** The store's clock in ms since epoch, used for leases so replicas agree. */
  now(): Promise<number>;
  close(): Promise<void>;
}

/** Encode a scalar index value so numbers, booleans, strings and null never collide. @internal */
export function encodeIndexValue(value: unknown): string | undefined {
  if (value === null || value === undefined) return "z:";
  switch (typeof value) {
    case "string":
      return `s:${value}`;
    case "number":
      return Number.isFinite(value) ? `n:${value}` : undefined;
    case "boolean":
      return `b:${value}`;
    default:
      return undefined;
  }
}

/** Whether the lease is still valid at `now`. @internal */
export function leaseLive(lease: Pick<Lease, "expiresAt">, now: number): boolean {
  return lease.expiresAt > now;
}
