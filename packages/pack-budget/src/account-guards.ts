import { ProblemError, type Stored } from "@valhalla/runtime";
import type { Account } from "./account-schemas.js";
import { fieldProblem } from "./service.js";
import type { BudgetContext } from "./storage.js";

/**
 * The account an entry is booked to: 422 naming the field when unknown, 409 when closed.
 * @internal
 */
export async function requireAccount(
  ctx: BudgetContext,
  field: string,
  id: string,
): Promise<Stored<Account>> {
  const a = await ctx.storage.accounts.get(id);
  if (!a) throw fieldProblem(422, "unknown-account", field, `no account '${id}'`);
  if (a.status !== "active") throw fieldProblem(409, "account-closed", field, `account '${id}' is closed`);
  return a;
}

/**
 * Refuse an entry dated before the account opened, or inside a range a reconciliation locked.
 * Read the account again under its lock, since a reconciliation moves the lock under it.
 * @internal
 */
export function refuseOutsideOpenRange(
  account: Stored<Account>,
  date: string,
  field = "date",
  line?: number,
): void {
  const at = line === undefined ? "" : ` (line ${line})`;
  if (date < account.opening_date)
    throw new ProblemError(
      422,
      "before-account-opening",
      `${date}${at} is before account '${account.id}' opened (${account.opening_date})`,
      {
        errors: [
          {
            pointer: `/body/${field}`,
            field,
            message: `is before the account's opening date`,
            ...(line === undefined ? {} : { line }),
          },
        ],
      },
    );
  if (account.locked_through !== null && date <= account.locked_through)
    throw new ProblemError(
      409,
      "reconciled-range-locked",
      `${date}${at} falls in the range of account '${account.id}' locked by reconciliation (through ${account.locked_through})`,
      {
        locked_through: account.locked_through,
        errors: [
          {
            pointer: `/body/${field}`,
            field,
            message: `is inside the reconciled range`,
            ...(line === undefined ? {} : { line }),
          },
        ],
      },
    );
}
