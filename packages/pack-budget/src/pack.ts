import { definePack, moneyText, principalLabel } from "@valhalla/runtime";
import { version } from "../package.json";
import { syncBillPayments } from "./bill-links.js";
import { importBankCommand } from "./commands/import-bank.js";
import { resumeStaleImports } from "./import/background-import.js";
import { snapshotOf } from "./ledger.js";
import { monthTotalsMigration } from "./migrations/001-month-totals.js";
import { bucketsWidget, budgetPage } from "./pages.js";
import { budgetService } from "./refs.js";
import * as accounts from "./routes/accounts.js";
import * as billLinks from "./routes/bill-links.js";
import * as buckets from "./routes/buckets.js";
import * as house from "./routes/house.js";
import * as imports from "./routes/imports.js";
import * as months from "./routes/months.js";
import * as reconcile from "./routes/reconcile.js";
import * as recurring from "./routes/recurring.js";
import * as reports from "./routes/reports.js";
import * as rules from "./routes/rules.js";
import * as transactions from "./routes/transactions.js";
import * as transfers from "./routes/transfers.js";
import { BudgetConfig } from "./schemas.js";
import { requires, storage } from "./storage.js";

/** Budget: buckets, allocations, a reversible ledger, obligation gating, rules and snapshots. */
export const budget = definePack({
  code: "budget",
  // One source of truth: the version npm publishes is the one `requires` ranges are checked against.
  version,
  description:
    "Buckets, month allocations, a reversible ledger, obligation gating, ledger rules and month snapshots",
  requires,
  provides: [budgetService],
  services: (ctx) => ({
    budget: {
      async month(m?: string) {
        const s = await snapshotOf(ctx, m);
        return {
          month: s.month,
          currency: s.currency,
          status: s.status,
          income_target_minor: s.targets.income_target_minor,
          bills_minor: s.bills.expected_minor,
          allocated_minor: s.totals.allocated_minor,
          spent_minor: s.totals.spent_minor,
          available_minor: s.totals.available_minor,
          gap_minor: s.cash_plan.gap_minor,
          essentials_funded: s.essentials.funded,
        };
      },
    },
  }),
  storage,
  configSchema: BudgetConfig,
  // Static paths before parameterised ones (`/rules/apply` before `/rules/:id`).
  routes: [
    house.getHouse,
    house.putHouse,
    house.listCategories,
    house.createCategory,
    buckets.createBucket,
    buckets.listBuckets,
    buckets.getBucket,
    buckets.patchBucket,
    months.putAllocation,
    months.getMonth,
    months.closeMonthRoute,
    months.rebuildTotalsRoute,
    months.getSnapshot,
    months.getBufferCheck,
    transactions.createTransaction,
    transactions.listTransactions,
    transactions.getTransaction,
    transactions.voidTransactionRoute,
    billLinks.matchBillRoute,
    billLinks.unmatchBillRoute,
    billLinks.listBillLinks,
    billLinks.syncBillLinksRoute,
    billLinks.putBillLinkRoute,
    billLinks.deleteBillLinkRoute,
    rules.createRule,
    rules.listRules,
    rules.applyRulesRoute,
    rules.patchRule,
    rules.deleteRule,
    accounts.createAccountRoute,
    accounts.listAccounts,
    accounts.getAccount,
    accounts.patchAccount,
    accounts.deleteAccountRoute,
    accounts.rebuildBalanceRoute,
    transfers.createTransfer,
    transfers.getTransferRoute,
    transfers.voidTransferRoute,
    imports.importRoute,
    imports.queueImportRoute,
    imports.listImportsRoute,
    imports.getImportRoute,
    imports.listInbox,
    imports.categoriseRoute,
    reconcile.reconcileRoute,
    reports.spendingReportRoute,
    recurring.recurringRoute,
    recurring.acceptRecurringRoute,
  ],
  jobs: [
    {
      name: "bill-payments",
      cron: "* * * * *",
      description: "Post the payments of bills linked to a bucket to the ledger (once each)",
      run: async (ctx) => {
        const r = await syncBillPayments(ctx, principalLabel(ctx.principal));
        return { posted: r.posted.length, already: r.already, refused: r.refused.length };
      },
    },
    {
      name: "imports",
      cron: "* * * * *",
      description: "Take over bank imports whose worker stopped (lease run out) and finish them",
      // A taken-over import runs here to the end; a big file needs more than the default.
      timeoutMs: 15 * 60_000,
      run: (ctx) => resumeStaleImports(ctx, principalLabel(ctx.principal)),
    },
  ],
  commands: [importBankCommand],
  pages: [budgetPage],
  widgets: [bucketsWidget],
  // Config is checked by the registry against configSchema (E_CONFIG_INVALID, one issue per field).
  readiness: async (ctx) => [
    {
      id: "budget.buckets",
      label: "At least one active budget bucket exists",
      ok: (await ctx.storage.buckets.count({ status: "active" })) > 0,
      hint: "Create buckets with POST /budget/buckets (essentials first).",
    },
    {
      id: "budget.house",
      label: "The house budget (income streams, buffer target) is set",
      ok: (await ctx.storage.house.count()) > 0,
      hint: "Set it with PUT /budget/house.",
    },
  ],
  brief: async (ctx) => {
    const s = await snapshotOf(ctx);
    const over = s.buckets.filter((b) => b.available_minor < 0);
    return {
      title: "Budget",
      items: [
        // Sentences for people carry formatted money; `value` keeps minor units for programs.
        {
          label: `Available this month: ${moneyText({ amount_minor: s.totals.available_minor, currency: s.currency })}`,
          value: s.totals.available_minor,
        },
        {
          label: `Cash plan gap: ${moneyText({ amount_minor: s.cash_plan.gap_minor, currency: s.currency })}`,
          value: s.cash_plan.gap_minor,
        },
        { label: "Essentials funded", value: s.essentials.funded },
        ...over.map((b) => ({
          label: `${b.name} overspent by ${moneyText({ amount_minor: -b.available_minor, currency: s.currency })}`,
          value: b.available_minor,
          href: `/budget/buckets/${b.bucket_id}`,
        })),
      ],
      data: { month: s.month, totals: s.totals, essentials: s.essentials, cash_plan: s.cash_plan },
    };
  },
  migrations: [monthTotalsMigration],
});
