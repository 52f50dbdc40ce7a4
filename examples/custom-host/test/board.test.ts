import { type Host, silentLogger } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildHost, settings } from "../src/host.js";

const ADMIN = "custom-host-test-admin-secret-0123456789";

describe("custom host web app", () => {
  let host: Host;
  beforeEach(async () => {
    host = await buildHost(
      settings({ VALHALLA_STORAGE: "memory:", VALHALLA_TZ: "Europe/Berlin", VALHALLA_ADMIN_KEY: ADMIN }),
      { log: silentLogger },
    );
  });
  afterEach(() => host.close());

  /** Sign in through the form with the admin secret; returns the session cookie. */
  const signIn = async (): Promise<string> => {
    const form = await host.fetch(new Request("http://localhost/app/signin"));
    const pre = /valhalla_signin=[^;]+/.exec(form.headers.get("set-cookie") ?? "")![0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const res = await host.fetch(
      new Request("http://localhost/app/signin", {
        method: "POST",
        headers: { cookie: pre, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrf, key: ADMIN, next: "/app/inventory" }),
      }),
    );
    expect(res.status).toBe(303);
    return /valhalla_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")![0];
  };

  it("should list the third-party inventory page in the navigation, next to the packs it ships with", async () => {
    const cookie = await signIn();
    const res = await host.fetch(new Request("http://localhost/app", { headers: { cookie } }));
    expect(res.status).toBe(200);
    const nav = /<nav[\s\S]*?<\/nav>/.exec(await res.text())![0];
    expect([...nav.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => [m[1], m[2]])).toEqual([
      ["/app", "Today"],
      ["/app/inventory", "Inventory"],
      ["/app/bills", "Bills"],
      ["/app/budget", "Budget"],
      ["/app/approvals", "Approvals"],
      ["/app/jobs", "Jobs"],
      ["/app/audit", "Audit"],
    ]);
  });

  it("should render the inventory page from the pack's API and adjust a quantity through it", async () => {
    const created = await host.fetch(
      new Request("http://localhost/inventory", {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "Dish soap", quantity: 1, low_threshold: 1 }),
      }),
    );
    const item = (await created.json()) as { id: string };
    const cookie = await signIn();
    const page = await host.fetch(new Request("http://localhost/app/inventory", { headers: { cookie } }));
    const html = await page.text();
    expect(html).toContain("1 items, 1 low on stock.");
    expect(html).toContain("Dish soap");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const adjusted = await host.fetch(
      new Request("http://localhost/app/inventory", {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          _csrf: csrf,
          _action: "adjust",
          id: item.id,
          name: "Dish soap",
          delta: "1",
        }),
      }),
    );
    expect(adjusted.status).toBe(303);
    const after = await (
      await host.fetch(new Request("http://localhost/app/inventory", { headers: { cookie } }))
    ).text();
    expect(after).toContain("Adjusted Dish soap.");
    expect(after).toContain("1 items, 0 low on stock.");
  });
});
