import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`); no browser download is possible here. */
export const CHROMIUM = process.env.VALHALLA_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Flags for this machine's closed network: without the background-networking ones Chromium keeps
 * dialling Google's hosts, which would also pollute the "no outside request" assertion.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Whether the browser tests can run; with CI=true a missing Chromium is a failure, not a skip. */
export function chromiumAvailable(): boolean {
  const found = existsSync(CHROMIUM);
  if (!found && process.env.CI === "true")
    throw new Error(
      `Chromium is missing at ${CHROMIUM}; .ci/run installs it with 'apt-get install -y chromium'`,
    );
  return found;
}

/** Where screenshots go (gitignored `.tmp`), kept as CI artifacts. */
export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "../../.tmp/screenshots");

/** Save a full-page screenshot named after the step. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** An axe-core finding of impact serious or critical, in a form that reads well in a failure. */
export interface AxeFinding {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: readonly string[];
}

/**
 * Run axe-core (from node_modules) on the page. Injected with `evaluate`, which the page's CSP
 * does not govern, so the app keeps its strict policy during the check.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(AXE_SOURCE);
  // A string runs in the page as written: this file is type-checked without the DOM library.
  const result = await page.evaluate<
    AxeFinding[]
  >(`axe.run(document, { resultTypes: ["violations"] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: String(v.impact), help: v.help,
      targets: v.nodes.map((n) => String(n.target)) })))`);
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Every request a context makes. */
export interface Traffic {
  readonly urls: string[];
}

/** Record a context's requests. */
export function watch(context: BrowserContext): Traffic {
  const traffic: Traffic = { urls: [] };
  context.on("request", (r) => traffic.urls.push(r.url()));
  return traffic;
}

/** Load `url` in `page` and count the bytes of every script that load fetched. */
export async function scriptBytesOf(page: Page, url: string): Promise<number> {
  const sizes: Promise<number>[] = [];
  const onResponse = (res: import("playwright-core").Response) => {
    if (res.request().resourceType() === "script") sizes.push(res.body().then((b) => b.length));
  };
  page.on("response", onResponse);
  // A fresh load each time: the HTTP cache would otherwise hide a script the page still runs.
  await page.goto(url, { waitUntil: "load" });
  page.off("response", onResponse);
  return (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
}

/** Launch Debian's Chromium headless. */
export async function launch(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
