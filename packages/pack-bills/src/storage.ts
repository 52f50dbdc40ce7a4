import { collection, GenerationRecord, type PackContext } from "@valhalla/runtime";
import * as v from "valibot";
import { Bill, EstimateAggregate, EstimateState, Payment, Reminder } from "./schemas.js";

/**
 * Bookkeeping of the due-date index: record `roll` holds the day it was last rolled forward to
 * and the config its keys were computed with (grace period, paid rule).
 */
export const BillsState = v.object({ rolled_through: v.string(), index_config: v.optional(v.string()) });

/** Namespaces of the bills pack. */
export const storage = {
  bills: collection({
    prefix: "bill",
    schema: Bill,
    indexes: ["status", "payee", "autopay", "next_open_due", "overdue", "est_day", "est_day2"],
  }),
  payments: collection({ prefix: "pay", schema: Payment, indexes: ["bill_id"] }),
  reminders: collection({ prefix: "rem", schema: Reminder, indexes: ["bill_id", "created_on"] }),
  /** Summary cache generation: record `gen`, bumped after every bill or payment write. */
  meta: collection({ prefix: "bmeta", schema: GenerationRecord }),
  /** Estimate cache generation: record `gen`, bumped after every write that can change an estimate. */
  estmeta: collection({ prefix: "bestm", schema: GenerationRecord }),
  /** Estimate aggregates per due stream and per month of skips (see estimate-index.ts). */
  estagg: collection({ prefix: "besta", schema: EstimateAggregate, indexes: ["kind", "month"] }),
  /** Estimate index bookkeeping (see `EstimateState`). */
  eststate: collection({ prefix: "bests", schema: EstimateState }),
  /** Due-date index bookkeeping (see `BillsState`). */
  state: collection({ prefix: "bstate", schema: BillsState }),
};

/** The bills pack's context. */
export type BillsContext = PackContext<typeof storage, {}>;
