import { idParam, principalLabel, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { ReconcileBody } from "../account-schemas.js";
import { reconcileAccount } from "../reconcile.js";
import { ReconcileResponse } from "../response-schemas.js";
import type { BudgetContext } from "../storage.js";

const route = routeFor<BudgetContext>();

/** `POST /budget/accounts/:id/reconcile` (see its summary). */
export const reconcileRoute = route({
  method: "POST",
  path: "/accounts/:id/reconcile",
  summary:
    "Reconcile an account with a statement: cleared vs uncleared entries and the difference; `lock` locks the range",
  description:
    "Entries the bank confirmed (imported, or hand-entered and matched by an import) are cleared; the rest (hand-entered, transfers, reversals) are uncleared. `difference_minor` = closing balance − the ledger's balance at the statement date; when it is not zero, `uncleared` lists what the bank has not confirmed and `suspects` those whose effect alone equals the difference. With `lock: true` (only at a zero difference) posting or voiding an entry of this account dated on or before the statement date gets 409 `reconciled-range-locked`.",
  scope: "write",
  params: v.object({ id: idParam }),
  body: ReconcileBody,
  response: { status: 200, schema: ReconcileResponse },
  errors: [404, 409, 422],
  handler: async ({ params, body, ctx, principal }) =>
    reconcileAccount(ctx, params.id, body, principalLabel(principal)),
});
