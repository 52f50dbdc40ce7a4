import { reply, routeFor } from "@valhalla/runtime";
import {
  CategoriesResponse,
  CategoryResponse,
  HouseRecordResponse,
  HouseResponse,
} from "../response-schemas.js";
import { CategoryBody, DEFAULT_CATEGORIES, HouseBudgetBody } from "../schemas.js";
import { configOf, fieldProblem, houseOf, moneyField } from "../service.js";
import type { BudgetContext } from "../storage.js";
import { afterWrite } from "../summary-cache.js";

const route = routeFor<BudgetContext>();

export const getHouse = route({
  method: "GET",
  path: "/house",
  summary: "The house budget: income streams, income target and buffer target",
  scope: "read",
  response: { status: 200, schema: HouseResponse },
  errors: [],
  handler: async ({ ctx }) => {
    const h = await houseOf(ctx);
    return {
      currency: configOf(ctx).currency,
      ...h,
      income_target_minor: h.income_streams.reduce((s, i) => s + i.monthly_minor, 0),
    };
  },
});

export const putHouse = route({
  method: "PUT",
  path: "/house",
  summary: "Set the house budget (income streams and buffer target)",
  scope: "write",
  body: HouseBudgetBody,
  response: { status: 200, schema: HouseRecordResponse },
  errors: [400],
  handler: async ({ body, ctx }) => {
    const cur = configOf(ctx).currency;
    const data = {
      income_streams: body.income_streams.map((s, i) => ({
        name: s.name,
        monthly_minor: moneyField(`income_streams/${i}/monthly`, s.monthly, cur, "non-negative"),
      })),
      buffer_target_minor: moneyField("buffer_target", body.buffer_target, cur, "non-negative"),
    };
    const saved = await afterWrite(ctx, async () =>
      (await ctx.storage.house.get("house"))
        ? ctx.storage.house.update("house", data)
        : ctx.storage.house.create(data, { id: "house" }),
    );
    return reply(200, { currency: cur, ...saved }, { etag: `"${saved.rev}"` });
  },
});

export const listCategories = route({
  method: "GET",
  path: "/categories",
  summary: "The controlled categories: the seed's defaults and custom ones",
  scope: "read",
  response: { status: 200, schema: CategoriesResponse },
  errors: [],
  handler: async ({ ctx }) => {
    const items: { slug: string; name: string; builtin: boolean }[] = DEFAULT_CATEGORIES.map((slug) => ({
      slug,
      name: slug.replace(/_/g, " "),
      builtin: true,
    }));
    for await (const c of ctx.storage.categories.iterate({ order: "asc" }))
      items.push({ slug: c.slug, name: c.name, builtin: false });
    return { items };
  },
});

export const createCategory = route({
  method: "POST",
  path: "/categories",
  summary: "Add a custom category",
  scope: "write",
  body: CategoryBody,
  response: { status: 201, schema: CategoryResponse },
  errors: [400, 409],
  handler: async ({ body, ctx }) => {
    if (
      (DEFAULT_CATEGORIES as readonly string[]).includes(body.slug) ||
      (await ctx.storage.categories.get(`cat_${body.slug}`))
    )
      throw fieldProblem(409, "category-exists", "slug", `'${body.slug}' already exists`);
    const c = await ctx.storage.categories.create(body, { id: `cat_${body.slug}` });
    return reply(201, c);
  },
});
