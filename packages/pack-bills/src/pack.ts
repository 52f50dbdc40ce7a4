import { definePack } from "@valhalla/runtime";
import { version } from "../package.json";
import { billsBrief } from "./brief.js";
import { estimateOfBills } from "./estimate.js";
import { dueIndex } from "./migrations/001-due-index.js";
import { occurrencePayments } from "./migrations/002-occurrence-payments.js";
import { estimateIndex } from "./migrations/003-estimate-index.js";
import { billsPage } from "./pages.js";
import { removePayment } from "./record-payment.js";
import { billsService, type NewBill, type PaymentCandidate, type SettleInput } from "./refs.js";
import * as billRoutes from "./routes/bills.js";
import * as occurrences from "./routes/occurrences.js";
import * as payments from "./routes/payments.js";
import * as schedule from "./routes/schedule.js";
import { BillsConfig } from "./schemas.js";
import {
  configOf,
  missed,
  monthlyEstimate,
  overdue,
  pushReminders,
  remindersSince,
  upcoming,
} from "./service.js";
import {
  billSummary,
  billsByPayee,
  createFromService,
  matchOccurrences,
  paymentsOf,
  settle,
} from "./settlement.js";
import { storage } from "./storage.js";

/** Bills: recurring bills, due dates, payments, missed detection and reminders. */
export const bills = definePack({
  code: "bills",
  // One source of truth: the version npm publishes is the one `requires` ranges are checked against.
  version,
  description: "Recurring bills with exact due dates, payments, missed detection and idempotent reminders",
  provides: [billsService],
  services: (ctx) => ({
    bills: {
      upcoming: (o: { days: number; limit?: number }) =>
        upcoming(ctx, { days: o.days, limit: o.limit ?? 500 }),
      remindersSince: (date: string) => remindersSince(ctx, date),
      monthlyEstimate: (month: string, o?: { limit?: number }) => monthlyEstimate(ctx, month, o?.limit),
      estimateOf: (month: string, billIds: readonly string[]) => estimateOfBills(ctx, month, billIds),
      bill: async (id: string) => {
        const b = await ctx.storage.bills.get(id);
        return b ? billSummary(b) : null;
      },
      billsByPayee: (payee: string) => billsByPayee(ctx, payee),
      create: (input: NewBill) => createFromService(ctx, input),
      payments: (billId: string, o?: { since?: string }) => paymentsOf(ctx, billId, o?.since),
      matchOccurrences: (candidates: readonly PaymentCandidate[], o?: { window_days?: number }) =>
        matchOccurrences(ctx, candidates, o?.window_days),
      settle: (input: SettleInput) => settle(ctx, input),
      unsettle: (billId: string, paymentId: string) => removePayment(ctx, billId, paymentId),
    },
  }),
  storage,
  configSchema: BillsConfig,
  // Static paths before `/:id` so `/upcoming` is never read as an id.
  routes: [
    billRoutes.createBill,
    billRoutes.listBills,
    schedule.listUpcoming,
    payments.listMissed,
    occurrences.listOverdue,
    schedule.pushRemindersRoute,
    schedule.listReminders,
    schedule.getEstimate,
    billRoutes.getBill,
    billRoutes.patchBill,
    billRoutes.skipBill,
    payments.markPaid,
    payments.listPayments,
    payments.deletePayment,
    occurrences.listBillOccurrences,
    billRoutes.getAutopayChecklist,
    billRoutes.markAutopayStep,
  ],
  pages: [billsPage],
  jobs: [
    {
      name: "push-reminders",
      cron: "0 7 * * *",
      description: "Create reminders for bills due within reminder_days_ahead",
      run: (ctx) => pushReminders(ctx, configOf(ctx).reminder_days_ahead),
    },
  ],
  // Config is checked by the registry against configSchema (E_CONFIG_INVALID, one issue per field).
  readiness: async (ctx) => [
    {
      id: "bills.registered",
      label: "At least one active bill is registered",
      ok: (await ctx.storage.bills.count({ status: "active" })) > 0,
      hint: "Register your recurring bills with POST /bills.",
    },
  ],
  brief: billsBrief,
  daily: async (ctx) => {
    const reminders = await pushReminders(ctx, configOf(ctx).reminder_days_ahead);
    const late = await missed(ctx, { lookbackDays: 90 });
    return {
      reminders_created: reminders.created,
      reminders_existing: reminders.existing,
      overdue: (await overdue(ctx)).length,
      missed: late.length,
    };
  },
  migrations: [dueIndex, occurrencePayments, estimateIndex],
});
