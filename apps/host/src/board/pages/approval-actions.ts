import type { PageAction, PageActionResult, PageContext } from "@valhalla/runtime";

/** Pending approvals as `GET /approvals` lists them. @internal */
export interface ApprovalItem {
  readonly id: string;
  readonly pack: string;
  readonly kind: string;
  readonly summary: string | null;
  readonly record_id: string | null;
  readonly status: "pending" | "approved" | "rejected";
  readonly decided_by: string | null;
  readonly decided_at: string | null;
  readonly created_at: string;
}

const decide =
  (verb: "approve" | "reject"): PageAction =>
  async (ctx: PageContext, form): Promise<PageActionResult> => {
    const id = form.id ?? "";
    const res = await ctx.api.send("POST", `/approvals/${encodeURIComponent(id)}/${verb}`);
    if (!res.ok) return { error: res.problem };
    return { redirect: ctx.path, notice: verb === "approve" ? `Approved ${id}.` : `Rejected ${id}.` };
  };

/** `approve` and `reject` actions, shared by the Today and Approvals pages. @internal */
export const approvalActions: Readonly<Record<string, PageAction>> = {
  approve: decide("approve"),
  reject: decide("reject"),
};
