import { billsService } from "@valhalla/pack-bills/refs";
import { collection, GenerationRecord, type PackContext } from "@valhalla/runtime";
import { Account, AccountTotals, Reconciliation } from "./account-schemas.js";
import { ImportFile, ImportRecord } from "./import/import-record.js";
import {
  Allocation,
  BillLink,
  Bucket,
  Category,
  Closing,
  HouseBudget,
  MonthTotals,
  Rule,
  Transaction,
} from "./schemas.js";

/** Namespaces of the budget pack. */
export const storage = {
  buckets: collection({ prefix: "bk", schema: Bucket, indexes: ["type", "priority", "status"] }),
  house: collection({ prefix: "house", schema: HouseBudget }),
  categories: collection({ prefix: "cat", schema: Category }),
  allocations: collection({ prefix: "alloc", schema: Allocation, indexes: ["month", "bucket_id"] }),
  transactions: collection({
    prefix: "tx",
    schema: Transaction,
    indexes: ["month", "bucket_id", "kind", "reverses", "account_id", "bank_ref", "inbox"],
  }),
  accounts: collection({ prefix: "acct", schema: Account, indexes: ["type", "status"] }),
  /** Per-account running totals (`acbal_<account>`), kept with every entry; see account-totals.ts. */
  account_totals: collection({ prefix: "acbal", schema: AccountTotals }),
  reconciliations: collection({ prefix: "recon", schema: Reconciliation, indexes: ["account_id"] }),
  /** Per-month ledger totals (`tot_<month>`), kept with every entry; see month-totals.ts. */
  totals: collection({ prefix: "tot", schema: MonthTotals }),
  rules: collection({ prefix: "rule", schema: Rule, indexes: ["active"] }),
  closings: collection({ prefix: "close", schema: Closing }),
  /** Bills the budget covers through a bucket (id: the bill's id); see bill-links.ts. */
  bill_links: collection({ prefix: "blink", schema: BillLink, indexes: ["bucket_id"] }),
  /** Asynchronous bank imports (`POST /budget/accounts/:id/imports`); see import/background-import.ts. */
  imports: collection({ prefix: "imp", schema: ImportRecord, indexes: ["account_id", "status"] }),
  /** The file of each unfinished asynchronous import (id: the import's), deleted when it finishes. */
  import_files: collection({ prefix: "impf", schema: ImportFile }),
  /** Snapshot cache generation: record `gen`, bumped after every ledger, bucket, rule or close write. */
  meta: collection({ prefix: "bgmeta", schema: GenerationRecord }),
};

/** What the budget pack requires: bills, when installed, for the month's bills estimate. */
export const requires = { bills: billsService.optionalRef() };

/** The budget pack's context. */
export type BudgetContext = PackContext<typeof storage, typeof requires>;
