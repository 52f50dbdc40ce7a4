import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHost, type Host } from "../../src/create-host.js";
import { silentLogger } from "../../src/log.js";
import { installedPacks } from "../../src/packs.js";
import { apiKeyStore } from "../../src/security/api-keys.js";
import {
  chromiumAvailable,
  launch,
  scriptBytesOf,
  seriousA11yViolations,
  shot,
  type Traffic,
  watch,
} from "./browser-harness.js";
import { type BoardSeed, seedBoard } from "./seed.js";

// The host's clock starts at noon UTC today, so the draft's quiet hours (08:00–21:00 in the
// seller's zone) never refuse the approval, whatever time the suite runs.
const start = Date.now();
const noon = new Date(start);
noon.setUTCHours(12, 0, 0, 0);
const now = () => new Date(noon.getTime() + (Date.now() - start));

const STEP_MS = 60_000;
const JS_BUDGET_BYTES = 100 * 1024;

describe.skipIf(!chromiumAvailable())("board: in headless Chromium against a real host", () => {
  let host: Host;
  let origin: string;
  let adminKey: string;
  let seed: BoardSeed;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let traffic: Traffic;
  const partnerTraffic: Traffic[] = [];
  const a11y: Record<string, unknown[]> = {};

  /** Check the current page with axe and remember what it found under `name`. */
  const audit = async (p: Page, name: string) => {
    a11y[name] = await seriousA11yViolations(p);
  };

  beforeAll(async () => {
    host = await createHost({ packs: installedPacks, storage: "memory:", log: silentLogger, now });
    adminKey = (await apiKeyStore(host.registry.driver).create({ name: "owner", scopes: "admin" })).secret;
    seed = await seedBoard(host, adminKey, now);
    const { port } = await host.listen(0, "127.0.0.1");
    origin = `http://127.0.0.1:${port}`;
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    traffic = watch(context);
    page = await context.newPage();
  }, STEP_MS);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it(
    "should sign in with an API key and show today's brief",
    async () => {
      await page.goto(`${origin}/app`);
      expect(new URL(page.url()).pathname).toBe("/app/signin");
      await audit(page, "signin");
      await page.getByLabel("API key").fill(adminKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${origin}/app`);
      expect(await page.locator("h1").textContent()).toBe("Today");
      const bills = page.locator("section[aria-labelledby=today-bills]");
      expect(await bills.textContent()).toContain("Overdue (1)");
      expect(await bills.textContent()).toContain("Internet, due");
      expect(await bills.textContent()).toContain("Rent, due");
      expect(await page.locator("#today-approvals").textContent()).toBe("Drafts awaiting approval (1)");
      expect(await page.locator("section[aria-label='Budget per bucket'] svg title").textContent()).toContain(
        "Dining out 200.00 USD",
      );
      expect(await page.locator("#today-jobs").textContent()).toBe("Jobs that failed (0)");
      // The cookie is the session, not the key: HttpOnly and SameSite=Strict.
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === "valhalla_session");
      expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict" });
      expect(session?.value.startsWith("vss_")).toBe(true);
      await audit(page, "today");
      await shot(page, "01-today");
    },
    STEP_MS,
  );

  it(
    "should reach the main content and the navigation by keyboard",
    async () => {
      await page.keyboard.press("Tab");
      expect(await page.evaluate<string | null>("document.activeElement?.textContent ?? null")).toBe(
        "Skip to content",
      );
      await page.keyboard.press("Enter");
      expect(await page.evaluate<string | null>("document.activeElement?.id ?? null")).toBe("main");
    },
    STEP_MS,
  );

  it(
    "should mark a bill paid",
    async () => {
      await page.getByRole("link", { name: "Bills", exact: true }).click();
      await page.waitForURL(`${origin}/app/bills`);
      expect(await page.locator("#overdue").textContent()).toBe("Overdue (1)");
      await audit(page, "bills");
      await page
        .getByRole("form", { name: /Mark Internet due .* paid/ })
        .first()
        .getByRole("button")
        .click();
      await page.waitForURL(`${origin}/app/bills`);
      expect(await page.getByRole("status").textContent()).toBe("Payment recorded.");
      expect(await page.locator("#overdue").textContent()).toBe("Overdue (0)");
      await shot(page, "02-bill-paid");
    },
    STEP_MS,
  );

  it(
    "should refuse an expense while essentials are unfunded, then post it with the override",
    async () => {
      await page.getByRole("link", { name: "Budget", exact: true }).click();
      await page.waitForURL(`${origin}/app/budget`);
      await audit(page, "budget");
      await page
        .getByLabel("Bucket", { exact: true })
        .selectOption({ label: "Dining out (fun, priority C)" });
      await page.getByLabel(/^Amount/).fill("30.00");
      await page.getByLabel("Payee", { exact: true }).fill("Cafe");
      await page.getByRole("button", { name: "Post", exact: true }).click();
      await page.waitForLoadState();
      const alert = page.getByRole("alert");
      expect(await alert.locator("h2").textContent()).toBe("Refused: essentials are unfunded");
      expect(await alert.textContent()).toContain(`Essentials for ${seed.month} are unfunded`);
      await audit(page, "budget-refused");
      await shot(page, "03-expense-refused");
      await page.getByRole("button", { name: "Post anyway (override)" }).click();
      await page.waitForURL(`${origin}/app/budget`);
      expect(await page.getByRole("status").textContent()).toBe(
        "Posted with an override of the essentials rule.",
      );
      const dining = page.locator("tr", { has: page.getByRole("cell", { name: "Dining out", exact: true }) });
      expect(await dining.locator("td").nth(3).textContent()).toBe("30.00 USD");
      expect(await dining.locator("td").nth(4).textContent()).toBe("170.00 USD");
      await shot(page, "04-expense-overridden");
    },
    STEP_MS,
  );

  it(
    "should move a deal to the next stage",
    async () => {
      await page.getByRole("link", { name: "Deals", exact: true }).click();
      await page.waitForURL(`${origin}/app/wholesale`);
      expect(await page.locator("#stage-lead").textContent()).toBe("lead (3)");
      await audit(page, "deals");
      await page.getByRole("link", { name: "12 Oak Street" }).click();
      await page.waitForURL(`${origin}/app/wholesale/${seed.dealIds.ace1}`);
      await audit(page, "deal");
      await page.getByLabel("Move to").selectOption("offer");
      await page.getByRole("button", { name: "Move stage" }).click();
      await page.waitForURL(`${origin}/app/wholesale/${seed.dealIds.ace1}`);
      expect(await page.getByRole("status").textContent()).toBe("Moved to offer.");
      expect(await page.locator("#deal-stage").textContent()).toBe("offer");
      await shot(page, "05-deal-moved");
      await page.getByRole("link", { name: "All deals" }).click();
      expect(await page.locator("#stage-offer").textContent()).toBe("offer (1)");
    },
    STEP_MS,
  );

  it(
    "should approve the draft awaiting approval from Today",
    async () => {
      await page.getByRole("link", { name: "Today", exact: true }).click();
      await page.waitForURL(`${origin}/app`);
      await page.getByRole("button", { name: /^Approve Mark sms run/ }).click();
      await page.waitForURL(`${origin}/app`);
      expect(await page.getByRole("status").textContent()).toBe(`Approved ${seed.approvalId}.`);
      expect(await page.locator("#today-approvals").textContent()).toBe("Drafts awaiting approval (0)");
      await shot(page, "06-draft-approved");
      await page.getByRole("link", { name: "Approvals", exact: true }).click();
      await page.getByLabel("Status").selectOption("approved");
      await page.getByRole("button", { name: "Show" }).click();
      expect(await page.locator("main table").textContent()).toContain(seed.approvalId);
      await audit(page, "approvals");
    },
    STEP_MS,
  );

  it(
    "should show holdings, jobs and the audit log with real data",
    async () => {
      await page.getByRole("link", { name: "Holdings", exact: true }).click();
      await page.waitForURL(`${origin}/app/holdings`);
      expect(await page.locator("#net-equity").textContent()).toBe("170000.00 USD");
      expect(await page.locator("svg title").textContent()).toBe("Allocation by type: property 95%, cash 5%");
      await audit(page, "holdings");
      await shot(page, "07-holdings");
      await page.getByRole("link", { name: "Jobs", exact: true }).click();
      expect(await page.locator("main table").textContent()).toContain("bills/push-reminders");
      await audit(page, "jobs");
      await page.getByRole("link", { name: "Audit", exact: true }).click();
      expect(await page.locator("main table").textContent()).toContain("POST /wholesale/:id/stage");
      await audit(page, "audit");
    },
    STEP_MS,
  );

  it(
    "should fit a phone's width",
    async () => {
      await page.setViewportSize({ width: 375, height: 800 });
      for (const path of ["/app", "/app/wholesale", "/app/budget"]) {
        await page.goto(origin + path);
        const overflow = await page.evaluate<number>(
          "document.documentElement.scrollWidth - window.innerWidth",
        );
        expect(overflow, path).toBeLessThanOrEqual(0);
      }
      await shot(page, "08-phone-budget");
      await page.setViewportSize({ width: 1200, height: 900 });
    },
    STEP_MS,
  );

  it(
    "should open a partner link in a fresh context and show only that partner's deals",
    async () => {
      const partner = await browser.newContext();
      partnerTraffic.push(watch(partner));
      const p = await partner.newPage();
      // Clicked from another site's page, as from a mail client: a cross-site navigation.
      const link = `${origin}/app/jv?token=${encodeURIComponent(seed.partnerToken)}`;
      await p.setContent(`<a href="${link}">Your deals</a>`);
      await p.getByRole("link", { name: "Your deals" }).click();
      await p.waitForURL(`${origin}/app/wholesale/partner`);
      expect(p.url()).toBe(`${origin}/app/wholesale/partner`);
      const board = await p.locator("main").textContent();
      expect(board).toContain("Deals shared with ace: 2.");
      expect(board).toContain("12 Oak Street");
      expect(board).toContain("99 Elm Road");
      expect(board).not.toContain("7 Secret Lane");
      expect(board).not.toContain("Pat Seller");
      expect(await p.locator("nav.main a").allTextContents()).toEqual(["Deal board"]);
      await audit(p, "partner");
      await shot(p, "09-partner-board");
      const denied = await p.goto(`${origin}/app/budget`);
      expect(denied?.status()).toBe(403);
      const api = await p.goto(`${origin}/wholesale`);
      expect(api?.status()).toBe(401);
      await partner.close();
    },
    STEP_MS,
  );

  it(
    "should try a request from /docs with an API key and get a 200",
    async () => {
      const docs = await context.newPage();
      // Swagger UI's bundle (about 1 MB of script) loads and builds the page slowly on a loaded 2-core
      // machine: give its waits the step's own budget rather than Playwright's 30 s default.
      docs.setDefaultTimeout(STEP_MS - 5_000);
      await docs.goto(`${origin}/docs`);
      await docs
        .getByRole("button", { name: /Authorize/ })
        .first()
        .click();
      await docs.getByLabel("auth-bearer-value").fill(adminKey);
      await docs.getByRole("button", { name: "Apply credentials" }).click();
      await docs.locator(".modal-ux button.btn-done").click();
      // Tags start folded (there are 150+ operations): open the holdings tag first.
      await docs.locator(".opblock-tag[data-tag='holdings']").click();
      const op = docs.locator(".opblock", {
        has: docs.locator(".opblock-summary-path[data-path='/holdings/summary']"),
      });
      await op.locator(".opblock-summary").first().click();
      // tryItOutEnabled: the operation opens ready to execute.
      const answered = docs.waitForResponse((r) => new URL(r.url()).pathname === "/holdings/summary");
      await op.getByRole("button", { name: "Execute" }).click();
      const res = await answered;
      expect(res.status()).toBe(200);
      expect(res.request().headers().authorization).toBe(`Bearer ${adminKey}`);
      expect(
        await op.locator(".live-responses-table tbody .response-col_status").first().textContent(),
      ).toContain("200");
      await shot(docs, "10-docs-try-it");
      await docs.close();
    },
    STEP_MS,
  );

  it(
    "should load under 100 KB of JavaScript on every app page",
    async () => {
      const measure = await context.newPage();
      // Caching off, so every load fetches its scripts and counts them.
      const cdp = await context.newCDPSession(measure);
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
      const paths = [
        "/app",
        "/app/bills",
        "/app/budget",
        "/app/wholesale",
        `/app/wholesale/${seed.dealIds.ace1}`,
        "/app/holdings",
        "/app/approvals",
        "/app/jobs",
        "/app/audit",
      ];
      const sizes: Record<string, number> = {};
      for (const path of paths) sizes[path] = await scriptBytesOf(measure, origin + path);
      for (const path of paths) {
        expect(sizes[path], path).toBeGreaterThan(0);
        expect(sizes[path], path).toBeLessThan(JS_BUDGET_BYTES);
      }
      console.info(`[board] JavaScript per app page (bytes): ${JSON.stringify(sizes)}`);
      await measure.close();
    },
    STEP_MS,
  );

  it(
    "should work with JavaScript off: sign in, read Today, move a deal",
    async () => {
      const plain = await browser.newContext({ javaScriptEnabled: false });
      partnerTraffic.push(watch(plain));
      const p = await plain.newPage();
      await p.goto(`${origin}/app`);
      await p.getByLabel("API key").fill(adminKey);
      await p.getByRole("button", { name: "Sign in" }).click();
      await p.waitForURL(`${origin}/app`);
      expect(await p.locator("h1").textContent()).toBe("Today");
      await p.goto(`${origin}/app/wholesale/${seed.dealIds.ace2}`);
      await p.getByLabel("Move to").selectOption("offer");
      await p.getByRole("button", { name: "Move stage" }).click();
      await p.waitForURL(`${origin}/app/wholesale/${seed.dealIds.ace2}`);
      expect(await p.locator("#deal-stage").textContent()).toBe("offer");
      await plain.close();
    },
    STEP_MS,
  );

  it("should have made no request outside the host", () => {
    const all = [...traffic.urls, ...partnerTraffic.flatMap((t) => t.urls)];
    expect(all.length).toBeGreaterThan(20);
    const outside = all.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("data:"));
    expect(outside).toEqual([]);
  });

  it("should find no serious or critical accessibility violation on any page", () => {
    expect(Object.keys(a11y).sort()).toEqual(
      [
        "approvals",
        "audit",
        "budget",
        "budget-refused",
        "deal",
        "deals",
        "holdings",
        "jobs",
        "partner",
        "signin",
        "today",
        "bills",
      ].sort(),
    );
    expect(a11y).toEqual(Object.fromEntries(Object.keys(a11y).map((k) => [k, []])));
  });
});
