/**
 * @module @valhalla/runtime — the Pack contract, registry, storage, money and problem helpers.
 */
export { createError } from "./errors/create-error.js";
export { ConflictError, FencedError, InvalidValueError, NotFoundError } from "./errors/storage-errors.js";
export {
  type FieldError,
  PROBLEM_BASE,
  type ProblemBody,
  ProblemError,
  problemResponse,
  titleOf,
} from "./http/problem.js";
export { isReply, type Reply, reply, replyRecord } from "./http/reply.js";
export { type EntriesSchema, pageOf, recordMeta, stored } from "./http/response-schemas.js";
export {
  currency,
  decimalString,
  idParam,
  isoDate,
  pageQuery,
  queryBool,
  queryInt,
  requiredText,
  text,
  timeZone,
} from "./http/schemas.js";
export { createId, isValidId } from "./ids/create-id.js";
export {
  convertMinor,
  currencyExponent,
  formatMoney,
  isCurrency,
  type Money,
  MoneyError,
  moneyText,
  parseMoney,
} from "./money/money.js";
export { definePack, PACK_CODE_PATTERN, route, routeFor } from "./pack/define-pack.js";
export {
  type ApiResult,
  type PageAction,
  type PageActionResult,
  type PageApi,
  PageApiError,
  type PageContent,
  type PageContext,
  type PageDef,
  type PageProblem,
  type PageSubmission,
  type PageViewer,
  page,
  type WidgetDef,
} from "./pack/pages.js";
export { type ActorRef, actorRef, type Principal, principalLabel } from "./pack/principal.js";
export { type ServiceOf, type ServiceRef, serviceRef } from "./pack/service-ref.js";
export type {
  AnyPack,
  BriefSection,
  CommandDef,
  CommandIo,
  CommandOption,
  DepsOf,
  HttpMethod,
  Issue,
  JobDef,
  Locks,
  Logger,
  MigrationDef,
  OutboundGate,
  OutboundHandler,
  OutboundOptions,
  OutboundOutcome,
  Pack,
  PackContext,
  PackDefinition,
  PackIssue,
  ReadinessItem,
  RouteDef,
  RouteInput,
  RouteResult,
  RouteScope,
  SeedResult,
  ServicesOf,
  Severity,
  StorageOf,
} from "./pack/types.js";
export { cronError } from "./registry/checks/jobs.js";
export { HOST_PAGES } from "./registry/checks/page-conflicts.js";
export { type MountedRoute, orderRoutes } from "./registry/checks/route-conflicts.js";
export { CODES, type IssueCode } from "./registry/codes.js";
export {
  type ContextOptions,
  createRegistry,
  HOST_PACK_CODE,
  type PackSummary,
  type Registry,
  type RegistryOptions,
  type RegistryRoute,
  type Report,
} from "./registry/create-registry.js";
export { formatReport, RegistryError } from "./registry/format-report.js";
export {
  type ManualClock,
  manualClock,
  type SchedulerClock,
  systemClock,
  type TimerHandle,
} from "./scheduler/clock.js";
export {
  createScheduler,
  type JobInfo,
  type Scheduler,
  type SchedulerOptions,
  type TriggerOptions,
  type TriggerResult,
} from "./scheduler/create-scheduler.js";
export {
  JOB_RUNS_NS,
  JOB_SLOTS_NS,
  type RunOutcome,
  type RunRecord,
  type RunTrigger,
} from "./scheduler/history.js";
export { tickIdFor } from "./scheduler/slots.js";
export {
  bindCollection,
  type Collection,
  type CollectionDef,
  collection,
  type IndexScalar,
  type ListOptions,
  type Page,
  type RecordMeta,
  type Stored,
  type WriteOptions,
} from "./storage/collection.js";
export type {
  Driver,
  DriverCapabilities,
  IndexValues,
  Lease,
  LeaseWrites,
  ListQuery,
  StoredRecord,
  WriteFaults,
  WritePoint,
  WriteRequest,
  WriteResult,
} from "./storage/driver.js";
export { default as memory, type MemoryDriverOptions } from "./storage/drivers/memory.js";
export { default as postgres, type PostgresDriverOptions } from "./storage/drivers/postgres.js";
export { default as redis, type RedisDriverOptions } from "./storage/drivers/redis.js";
export { default as sqlite, type SqliteDriverOptions } from "./storage/drivers/sqlite.js";
export {
  default as unstorageDriver,
  type UnstorageDriverOptions,
  type UnstorageLike,
} from "./storage/drivers/unstorage.js";
export {
  checkDump,
  type DumpCheck,
  type DumpLine,
  type DumpProblem,
  type ExportOptions,
  exportDump,
  type ImportOptions,
  type IndexMap,
  importDump,
  indexesOf,
  schemasOf,
} from "./storage/dump.js";
export {
  afterWrite,
  cachedByGeneration,
  GenerationRecord,
  type GenerationStore,
  touchGeneration,
} from "./storage/generation-cache.js";
export { MIGRATIONS_NS, type MigrationStatus, migrationStatus } from "./storage/migrations.js";
export { assertStorable, MAX_JSON_DEPTH } from "./storage/storable.js";
export { LockTimeoutError, withLease } from "./storage/with-lease.js";
export { addDays, daysBetween, isIsoDate, isTimeZone, todayIn } from "./time/zoned-date.js";
