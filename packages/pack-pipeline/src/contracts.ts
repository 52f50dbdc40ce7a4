import { serviceRef } from "@valhalla/runtime";

/*
 * The contracts this pack expects from other packs, declared locally so the pipeline builds
 * without their code. The lead reconciles them with `@valhalla/pack-wholesale/refs` and
 * `@valhalla/pack-bills/refs` (same pack, id and version range; these types are the minimum used).
 */

/** A deal as the pipeline reads it; extra fields (e.g. `timezone`) are passed through. */
export interface PipelineDeal {
  readonly id: string;
  readonly stage: string;
  readonly address?: string | null;
  readonly mao_minor?: number | null;
  readonly currency?: string;
  readonly seller_name?: string | null;
  readonly [k: string]: unknown;
}

/** The part of wholesale's deals service the pipeline uses. */
export interface DealsApi {
  get(id: string): Promise<PipelineDeal | null>;
}

/** A bill reminder as the pipeline reads it. */
export interface BillReminder {
  readonly id: string;
  readonly bill_id: string;
  readonly bill_name: string;
  readonly due_date: string;
  readonly amount_minor: number | null;
  readonly currency: string;
}

/** The part of bills' reminders service the pipeline uses. */
export interface BillsRemindersApi {
  /** Reminders issued on or after `date` (ISO date). */
  remindersSince(date: string): Promise<readonly BillReminder[]>;
}

/** Wholesale deals (required). */
export const dealsService = serviceRef<DealsApi>({ pack: "wholesale", id: "deals", version: "^1" });

/** Bills reminders (optional: without bills the pipeline works alone). */
export const billsReminders = serviceRef<BillsRemindersApi>({
  pack: "bills",
  id: "reminders",
  version: "^1",
});
