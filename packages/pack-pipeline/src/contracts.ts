import { serviceRef } from "@valhalla/runtime";

/*
 * The contracts this pack expects from other packs: the minimum it reads, declared locally so the
 * pipeline builds and tests without their code. They are the same refs (pack, id, range) as
 * `@valhalla/pack-wholesale/refs` and `@valhalla/pack-bills/refs`, whose services are supersets of
 * these types; `test/contracts.test-d.ts` checks that at compile time, and the registry reports
 * E_PROVIDE_MISSING if a provider stops offering them.
 */

/** A deal as the pipeline reads it: every field it uses, all optional but `id` and `stage`. */
export interface PipelineDeal {
  readonly id: string;
  readonly stage: string;
  /** Wholesale names it `property_address`; `address` is accepted from simpler providers. */
  readonly address?: string | null;
  readonly property_address?: string | null;
  readonly mao_minor?: number | null;
  /** The offer made to the seller, when the provider records one (minor units of `currency`). */
  readonly offer_price_minor?: number | null;
  /** The price under contract. */
  readonly contract_price_minor?: number | null;
  readonly currency?: string;
  readonly seller_name?: string | null;
  /** The recipient's IANA zone, under either name. */
  readonly timezone?: string | null;
  readonly seller_timezone?: string | null;
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

/** The part of the bills service the pipeline uses. */
export interface BillsRemindersApi {
  /** Reminders issued on or after `date` (ISO date). */
  remindersSince(date: string): Promise<readonly BillReminder[]>;
}

/** Wholesale deals (required). */
export const dealsService = serviceRef<DealsApi>({
  pack: "wholesale",
  id: "deals",
  version: ">=0.1.0 <1.0.0",
});

/** Bills reminders (optional: without bills the pipeline works alone). */
export const billsReminders = serviceRef<BillsRemindersApi>({
  pack: "bills",
  id: "bills",
  version: ">=0.1.0 <1.0.0",
});
