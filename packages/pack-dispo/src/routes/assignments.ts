import { idParam, principalLabel, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { assignmentsByDeal, createAssignment, updateAssignment } from "../assignments.js";
import { AssignmentRecord, CreateAssignmentBody, DealAssignments, PatchAssignmentBody } from "../schemas.js";
import type { DispoContext } from "../storage.js";

const route = routeFor<DispoContext>();

export const createAssignmentRoute = route({
  method: "POST",
  path: "/assignments",
  summary: "Offer a deal to a buyer ('offered', or 'backup' in the queue when the deal has a live one)",
  scope: "write",
  body: CreateAssignmentBody,
  response: {
    status: 201,
    schema: AssignmentRecord,
    description: "The new assignment: 'offered', or 'backup' with its queue position",
  },
  errors: [400, 404, 409, 503],
  handler: async ({ body, ctx }) => {
    const a = await createAssignment(ctx, body);
    return replyRecord(201, a, { location: `/dispo/assignments/${a.id}` });
  },
});

export const patchAssignment = route({
  method: "PATCH",
  path: "/assignments/:id",
  summary:
    "Move an assignment: offered → assigned → closed, or fallout with a reason (promotes the next backup)",
  scope: "write",
  params: v.object({ id: idParam }),
  body: PatchAssignmentBody,
  response: { status: 200, schema: AssignmentRecord, description: "The changed assignment" },
  errors: [400, 404, 409, 412, 503],
  handler: async ({ params, body, ctx, principal, ifRev }) =>
    replyRecord(
      200,
      await updateAssignment(ctx, params.id, body, { ifRev, actor: principalLabel(principal) }),
    ),
});

export const assignmentsForDeal = route({
  method: "GET",
  path: "/assignments/by-deal/:dealId",
  summary: "A deal's assignments: live one, backup queue in order, then closed and fallen out",
  scope: "read",
  params: v.object({ dealId: idParam }),
  response: { status: 200, schema: DealAssignments },
  errors: [404],
  handler: async ({ params, ctx }) => ({ items: await assignmentsByDeal(ctx, params.dealId) }),
});
