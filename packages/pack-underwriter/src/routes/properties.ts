import { idParam, ProblemError, pageQuery, reply, replyRecord, routeFor, todayIn } from "@valhalla/runtime";
import * as v from "valibot";
import { ArvPage, PropertiesPage, PropertyResponse, SetArvResponse } from "../responses.js";
import { CreatePropertyBody, PatchPropertyBody, propertyType, SetArvBody } from "../schemas.js";
import { moneyField, repairsFrom } from "../service.js";
import type { UnderwriterContext } from "../storage.js";

const route = routeFor<UnderwriterContext>();
const IdParams = v.object({ id: idParam });

export const createProperty = route({
  method: "POST",
  path: "/properties",
  summary: "Create a property with its address, facts and intel",
  scope: "write",
  body: CreatePropertyBody,
  response: { status: 201, schema: PropertyResponse },
  errors: [400],
  handler: async ({ body, ctx }) => {
    const { repairs, rent_monthly, neighborhood_score, legal_flags, ...facts } = body;
    const prop = await ctx.storage.properties.create({
      ...facts,
      address: { ...body.address, unit: body.address.unit ?? null },
      deal_id: null,
      intel: {
        arv: null,
        ...repairsFrom(repairs ?? null, body.currency),
        rent_monthly_minor: rent_monthly ? moneyField("rent_monthly", rent_monthly, body.currency) : null,
        neighborhood_score: neighborhood_score ?? null,
        legal_flags: legal_flags ?? [],
      },
    });
    return replyRecord(201, prop, { location: `/underwriter/properties/${prop.id}` });
  },
});

export const listProperties = route({
  method: "GET",
  path: "/properties",
  summary: "List properties (filters: type, deal_id)",
  scope: "read",
  query: v.strictObject({
    type: v.optional(propertyType),
    deal_id: v.optional(idParam),
    ...pageQuery,
  }),
  response: { status: 200, schema: PropertiesPage },
  errors: [400],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, ...where } = query;
    return ctx.storage.properties.list({ where, cursor, limit });
  },
});

export const getProperty = route({
  method: "GET",
  path: "/properties/:id",
  summary: "Get a property",
  scope: "read",
  params: IdParams,
  errors: [404],
  response: { status: 200, schema: PropertyResponse },
  handler: async ({ params, ctx }) => replyRecord(200, await ctx.storage.properties.require(params.id)),
});

export const patchProperty = route({
  method: "PATCH",
  path: "/properties/:id",
  summary: "Change a property's facts or intel (send If-Match with its ETag; 412 when stale)",
  scope: "write",
  params: IdParams,
  body: PatchPropertyBody,
  errors: [400, 404, 412],
  response: { status: 200, schema: PropertyResponse },
  handler: async ({ params, body, ctx, ifRev }) => {
    const cur = await ctx.storage.properties.require(params.id);
    // Parse money before writing so a bad amount leaves the record untouched.
    const repairs = body.repairs !== undefined ? repairsFrom(body.repairs, cur.currency) : undefined;
    const rent =
      body.rent_monthly === undefined
        ? undefined
        : body.rent_monthly === null
          ? null
          : moneyField("rent_monthly", body.rent_monthly, cur.currency);
    const prop = await ctx.storage.properties.update(
      params.id,
      (p) => ({
        ...p,
        ...(body.address ? { address: { ...body.address, unit: body.address.unit ?? null } } : {}),
        ...(body.type !== undefined ? { type: body.type } : {}),
        ...(body.beds !== undefined ? { beds: body.beds } : {}),
        ...(body.baths !== undefined ? { baths: body.baths } : {}),
        ...(body.sqft !== undefined ? { sqft: body.sqft } : {}),
        ...(body.notes !== undefined ? { notes: body.notes } : {}),
        intel: {
          ...p.intel,
          ...(repairs ?? {}),
          ...(rent !== undefined ? { rent_monthly_minor: rent } : {}),
          ...(body.neighborhood_score !== undefined ? { neighborhood_score: body.neighborhood_score } : {}),
          ...(body.legal_flags !== undefined ? { legal_flags: body.legal_flags } : {}),
        },
      }),
      { ifRev },
    );
    return replyRecord(200, prop);
  },
});

export const deleteProperty = route({
  method: "DELETE",
  path: "/properties/:id",
  summary: "Delete a property with its ARV history and runs (refused while it is attached to a deal)",
  scope: "write",
  params: IdParams,
  response: { status: 204 },
  errors: [404, 409, 412],
  handler: async ({ params, ctx, ifRev }) => {
    const prop = await ctx.storage.properties.require(params.id);
    if (prop.deal_id) {
      throw new ProblemError(
        409,
        "property-attached",
        `Property '${prop.id}' is attached to deal '${prop.deal_id}'; it stays as the deal's record`,
        { deal_id: prop.deal_id },
      );
    }
    await ctx.storage.properties.delete(params.id, { ifRev });
    // Its ARV history and runs mean nothing without it.
    for await (const r of ctx.storage.arv_history.iterate({ where: { property_id: prop.id } }))
      await ctx.storage.arv_history.delete(r.id);
    for await (const r of ctx.storage.runs.iterate({ where: { property_id: prop.id } }))
      await ctx.storage.runs.delete(r.id);
    return reply(204);
  },
});

export const setArv = route({
  method: "POST",
  path: "/properties/:id/arv",
  summary: "Set the after-repair value manually (history kept; the latest by as_of is current)",
  scope: "write",
  params: IdParams,
  body: SetArvBody,
  response: { status: 201, schema: SetArvResponse },
  errors: [400, 404],
  handler: async ({ params, body, ctx }) => {
    const prop = await ctx.storage.properties.require(params.id);
    const amount = moneyField("arv", body.arv, prop.currency);
    const rec = await ctx.storage.arv_history.create({
      property_id: prop.id,
      amount_minor: amount,
      currency: prop.currency,
      as_of: body.as_of ?? todayIn(ctx.timezone, ctx.now()),
      notes: body.notes,
      source: body.source,
    });
    // A back-dated ARV goes into history without replacing a newer current one.
    const updated = await ctx.storage.properties.update(prop.id, (p) =>
      p.intel.arv && p.intel.arv.as_of > rec.as_of
        ? p
        : {
            ...p,
            intel: {
              ...p.intel,
              arv: {
                amount_minor: amount,
                as_of: rec.as_of,
                notes: rec.notes,
                source: rec.source,
                arv_id: rec.id,
              },
            },
          },
    );
    // `current` tells the client whether this entry became the property's ARV.
    return reply(
      201,
      { ...rec, current: updated.intel.arv?.arv_id === rec.id },
      {
        etag: `"${rec.rev}"`,
        location: `/underwriter/properties/${prop.id}/arv`,
      },
    );
  },
});

export const listArv = route({
  method: "GET",
  path: "/properties/:id/arv",
  summary: "ARV history of a property, newest first",
  scope: "read",
  params: IdParams,
  query: v.strictObject(pageQuery),
  errors: [400, 404],
  response: { status: 200, schema: ArvPage },
  handler: async ({ params, query, ctx }) => {
    await ctx.storage.properties.require(params.id);
    return ctx.storage.arv_history.list({
      where: { property_id: params.id },
      cursor: query.cursor,
      limit: query.limit,
    });
  },
});
