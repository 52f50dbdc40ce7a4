import { page } from "@valhalla/runtime";
import { html } from "hono/html";
import type { Item } from "./schemas.js";

/**
 * The inventory's page in the host's web app (`/app/inventory`), declared next to the routes: the
 * host adds it to its navigation because the pack is installed, with no change to the host. Written
 * with `hono/html` (escaping tagged templates), so the pack needs no JSX build settings. It adjusts
 * quantities through the pack's own `POST /inventory/:id/adjust`, called in-process by the host.
 * @module
 */
export const inventoryPage = page({
  path: "/",
  title: "Inventory",
  nav: "Inventory",
  actions: {
    adjust: async (ctx, form) => {
      const res = await ctx.api.send("POST", `/inventory/${encodeURIComponent(form.id ?? "")}/adjust`, {
        delta: Number(form.delta),
      });
      if (!res.ok) return { error: res.problem };
      return { redirect: ctx.path, notice: `Adjusted ${form.name ?? "the item"}.` };
    },
  },
  render: async (ctx) => {
    const { items } = await ctx.api.get<{ items: (Item & { id: string })[] }>("/inventory", { limit: 200 });
    const error = ctx.submission?.error;
    const row = (i: Item & { id: string }) => html`<tr>
      <td>${i.name}${i.low ? html` <span class="badge bad">low</span>` : ""}</td>
      <td class="num">${i.quantity} ${i.unit}</td>
      <td class="num">${i.low_threshold}</td>
      <td>${i.location ?? "—"}</td>
      <td>
        <form method="post" class="inline" aria-label="Adjust ${i.name}">
          <input type="hidden" name="_csrf" value="${ctx.csrf}">
          <input type="hidden" name="_action" value="adjust">
          <input type="hidden" name="id" value="${i.id}">
          <input type="hidden" name="name" value="${i.name}">
          <button type="submit" name="delta" value="-1">−1<span class="visually-hidden"> ${i.name}</span></button>
          <button type="submit" name="delta" value="1">+1<span class="visually-hidden"> ${i.name}</span></button>
        </form>
      </td>
    </tr>`;
    return html`${error ? html`<p class="error" role="alert">${error.detail || error.title}</p>` : ""}
      <p>${items.length} items, ${items.filter((i) => i.low).length} low on stock.</p>
      <section class="table-wrap" aria-label="Inventory items" tabindex="0">
        <table>
          <thead><tr><th scope="col">Item</th><th scope="col" class="num">On hand</th>
          <th scope="col" class="num">Low at</th><th scope="col">Where</th><th scope="col">Adjust</th></tr></thead>
          <tbody>${items.map(row)}</tbody>
        </table>
      </section>`;
  },
});
