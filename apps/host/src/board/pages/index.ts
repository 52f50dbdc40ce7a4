/** @module The host's own web-app pages: Today, Approvals, Audit, Jobs. */
import type { PageDef, WidgetDef } from "@valhalla/runtime";
import { approvalsPage } from "./approvals.js";
import { auditPage } from "./audit.js";
import { jobsPage } from "./jobs.js";
import { todayPage } from "./today.js";

/**
 * The host's pages (paths under `/app`): Today first, then the ones listed after the packs' pages.
 * @internal
 */
export function hostBoardPages(widgets: readonly { readonly pack: string; readonly def: WidgetDef }[]): {
  readonly first: readonly PageDef[];
  readonly last: readonly PageDef[];
} {
  return { first: [todayPage(widgets)], last: [approvalsPage, jobsPage, auditPage] };
}
