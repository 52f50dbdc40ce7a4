import { page } from "@valhalla/runtime";
import { ProblemPanel } from "../layout.js";
import { type ApprovalItem, approvalActions } from "./approval-actions.js";
import { ApprovalTable } from "./approval-list.js";

const STATUSES = ["pending", "approved", "rejected"] as const;

/** Approvals: outbound actions held in soft-launch mode, filtered by status, decided in place. @internal */
export const approvalsPage = page({
  path: "/approvals",
  title: "Approvals",
  nav: "Approvals",
  actions: approvalActions,
  render: async (ctx) => {
    const status = STATUSES.find((s) => s === ctx.query.status) ?? "pending";
    const list = await ctx.api.get<{ items: ApprovalItem[] }>("/approvals", { status, limit: 100 });
    return (
      <>
        {ctx.submission?.error && (
          <ProblemPanel problem={ctx.submission.error} heading="The decision failed" />
        )}
        <form method="get" class="inline" aria-label="Filter approvals">
          <label for="status">Status</label>
          <select id="status" name="status">
            {STATUSES.map((s) => (
              <option value={s} selected={s === status}>
                {s}
              </option>
            ))}
          </select>
          <button type="submit" class="secondary">
            Show
          </button>
        </form>
        <h2>
          {list.items.length} {status}
        </h2>
        <ApprovalTable items={list.items} csrf={ctx.csrf} caption={`${status} approvals`} />
      </>
    );
  },
});
