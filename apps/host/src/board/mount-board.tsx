import { randomBytes, timingSafeEqual } from "node:crypto";
import {
  type AnyPack,
  type Logger,
  PageApiError,
  type PageContext,
  type PageDef,
  type PageSubmission,
  type Registry,
} from "@valhalla/runtime";
import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { apiKeyStore } from "../security/api-keys.js";
import type { AuthOptions } from "../security/auth.js";
import { hashSecret, sameHash } from "../security/secrets.js";
import { SESSION_COOKIE, SESSION_TTL_MS, type Session, sessionStore } from "../security/sessions.js";
import { shareTokenStore } from "../security/share-tokens.js";
import { BOARD_CSS } from "./assets/board-css.js";
import { BOARD_JS } from "./assets/board-js.js";
import { Layout, type NavItem, ProblemPanel } from "./layout.js";
import { pageApi } from "./page-api.js";
import { hostBoardPages } from "./pages/index.js";
import { SignIn } from "./sign-in.js";

/**
 * The web app's Content-Security-Policy: only this host's own scripts, styles and forms, no
 * inline script, no framing. Pages draw charts as inline SVG, which needs no `img-src`.
 */
export const BOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SIGNIN_COOKIE = "valhalla_signin";
const ASSETS: Record<string, readonly [string, string]> = {
  "board.css": ["text/css; charset=utf-8", BOARD_CSS],
  "board.js": ["text/javascript; charset=utf-8", BOARD_JS],
};

/** What `mountBoard` needs from the host. @internal */
export interface BoardDeps {
  readonly registry: Registry;
  readonly auth: AuthOptions;
  readonly log: Logger;
  readonly now?: () => Date;
}

interface MountedPage {
  readonly pack: AnyPack | null;
  readonly code: string;
  readonly path: string;
  readonly def: PageDef;
}

const fullPath = (code: string, path: string) =>
  code === "host"
    ? path === "/"
      ? "/app"
      : `/app${path}`
    : path === "/"
      ? `/app/${code}`
      : `/app/${code}${path}`;

// Host pages and admin-only API: only keys with the admin scope see them in the navigation.
const canSee = (p: MountedPage, s: Session["principal"] | null): boolean => {
  if (!s) return p.def.shareScope === undefined;
  if (s.kind === "share") return p.def.shareScope === s.scope;
  if (p.def.shareScope !== undefined) return false;
  if (s.scopes.includes("admin")) return true;
  if (p.code === "host") return false;
  return s.scopes.includes(`${p.code}:read`) || s.scopes.includes(`${p.code}:write`);
};

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
};

// Only paths inside the app: an absolute or protocol-relative `next` would be an open redirect.
const safeNext = (next: unknown, fallback: string) =>
  typeof next === "string" && /^\/app(?:[/?]|$)/.test(next) && !next.startsWith("//") ? next : fallback;

/**
 * Mount the web app: `/app` and every page the host and the installed packs declare, sign-in with
 * an API key (a server-side session behind an HttpOnly, SameSite=Strict cookie), partner links
 * (`/app/jv?token=vs_…`), sign-out, and the app's own CSS and script. Pages read and write through
 * the host's HTTP API in-process, as the signed-in principal. Call after the security and audit
 * middleware are registered, so the app's routes run behind them like every other route.
 * @internal
 */
export function mountBoard(app: Hono, deps: BoardDeps): void {
  const { registry } = deps;
  const now = deps.now ?? (() => new Date());
  const sessions = sessionStore(registry.driver, now);
  const keys = apiKeyStore(registry.driver);
  const shares = shareTokenStore(registry.driver);
  const adminHash = deps.auth.adminKey ? hashSecret(deps.auth.adminKey) : undefined;
  const disabled = deps.auth.disabled === true;
  // With auth off there is no sign-in; forms still carry a token, one per process.
  const openCsrf = randomBytes(32).toString("base64url");

  const host = hostBoardPages(
    registry.packs.flatMap((p) => (p.widgets ?? []).map((def) => ({ pack: p.code, def }))),
  );
  const hostPage = (def: PageDef): MountedPage => ({
    pack: null,
    code: "host",
    path: fullPath("host", def.path),
    def,
  });
  const pages: MountedPage[] = [
    ...host.first.map(hostPage),
    ...registry.packs.flatMap((p) =>
      (p.pages ?? []).map((def) => ({ pack: p, code: p.code, path: fullPath(p.code, def.path), def })),
    ),
    ...host.last.map(hostPage),
  ];

  const navFor = (s: Session["principal"] | null): NavItem[] =>
    pages
      .filter((p) => p.def.nav !== undefined && !p.path.includes(":") && canSee(p, s))
      .map((p) => ({ href: p.path, label: p.def.nav! }));

  const secure = (c: Context) => new URL(c.req.url).protocol === "https:";
  const headers = (c: Context) => {
    c.header("content-security-policy", BOARD_CSP);
    c.header("cache-control", "no-store");
  };

  const readSession = async (c: Context): Promise<Session | null> => {
    if (disabled)
      return {
        id: "open",
        principal: { kind: "key", id: "anonymous", label: "anonymous", scopes: ["admin"] },
        csrf: openCsrf,
        flash: null,
      };
    const cookie = getCookie(c, SESSION_COOKIE);
    return cookie ? sessions.read(cookie, adminHash) : null;
  };

  const startSession = async (c: Context, principal: Session["principal"]) => {
    const secret = await sessions.open(principal, adminHash);
    setCookie(c, SESSION_COOKIE, secret, {
      path: "/",
      httpOnly: true,
      sameSite: "Strict",
      secure: secure(c),
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
  };

  app.get("/app/assets/:file", (c) => {
    const asset = ASSETS[c.req.param("file")];
    if (!asset) return c.notFound();
    return c.body(asset[1], 200, { "content-type": asset[0], "cache-control": "public, max-age=300" });
  });

  const signInPage = (c: Context, status: 200 | 401, error?: string) => {
    const token = randomBytes(24).toString("base64url");
    setCookie(c, SIGNIN_COOKIE, token, {
      path: "/app/signin",
      httpOnly: true,
      sameSite: "Strict",
      secure: secure(c),
    });
    headers(c);
    return c.html(
      <Layout title="Sign in" nav={[]} current="/app/signin">
        <SignIn csrf={token} next={safeNext(c.req.query("next"), "/app")} error={error} />
      </Layout>,
      status,
    );
  };

  app.get("/app/signin", (c) => signInPage(c, 200));
  app.post("/app/signin", async (c) => {
    const form = await c.req.parseBody();
    const expected = getCookie(c, SIGNIN_COOKIE);
    if (!expected || typeof form._csrf !== "string" || !sameToken(form._csrf, expected))
      return signInPage(c, 401, "The sign-in form expired. Please try again.");
    const secret = typeof form.key === "string" ? form.key.trim() : "";
    let principal: Session["principal"] | null = null;
    if (adminHash && secret && sameHash(hashSecret(secret), adminHash))
      principal = { kind: "key", id: "env-admin", label: "VALHALLA_ADMIN_KEY", scopes: ["admin"] };
    else if (secret.startsWith("vk_")) {
      const key = await keys.verify(secret);
      if (key) principal = { kind: "key", id: key.id, label: key.name, scopes: key.scopes };
    }
    // One answer for every failure, as the API gives: nothing to probe.
    if (!principal) return signInPage(c, 401, "That API key is invalid, revoked or expired.");
    deleteCookie(c, SIGNIN_COOKIE, { path: "/app/signin" });
    await startSession(c, principal);
    return c.redirect(safeNext(form.next, "/app"), 303);
  });

  app.post("/app/signout", async (c) => {
    const session = await readSession(c);
    const form = await c.req.parseBody();
    if (session && session.id !== "open") {
      if (typeof form._csrf !== "string" || !sameToken(form._csrf, session.csrf))
        return c.text("Invalid form token", 403);
      await sessions.close(session.id);
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.redirect("/app/signin", 303);
  });

  // A partner's link: the share token becomes a session, and the token leaves the address bar.
  app.get("/app/jv", async (c) => {
    headers(c);
    const token = c.req.query("token");
    if (token !== undefined) {
      const t = token.startsWith("vs_") ? await shares.verify(token, now()) : null;
      if (!t) {
        return c.html(
          <Layout title="Link expired" nav={[]} current="/app/jv">
            <p>This partner link is invalid, revoked or expired. Ask for a new one.</p>
          </Layout>,
          401,
        );
      }
      await startSession(c, { kind: "share", id: t.id, scope: t.scope, subject: t.subject });
      return c.redirect("/app/jv?opened=1", 303);
    }
    const session = await readSession(c);
    if (session?.principal.kind !== "share" && c.req.query("opened") !== undefined) {
      // A link clicked on another site (a mail client) starts a cross-site navigation, and browsers
      // withhold SameSite=Strict cookies along its redirects. A refresh from this page is same-site.
      return c.html(
        <Layout title="Opening your board" nav={[]} current="/app/jv" refreshTo="/app/jv">
          <p>
            <a href="/app/jv">Open the partner board</a>
          </p>
        </Layout>,
      );
    }
    if (session?.principal.kind !== "share") return c.redirect("/app/signin", 303);
    const first = navFor(session.principal)[0];
    if (!first) return c.text("No page is shared with this link", 404);
    return c.redirect(first.href, 303);
  });

  for (const p of pages) {
    const handle = async (c: Context) => {
      headers(c);
      const session = await readSession(c);
      if (!session) {
        if (c.req.method !== "GET") return c.redirect("/app/signin", 303);
        return c.redirect(`/app/signin?next=${encodeURIComponent(c.req.path)}`, 303);
      }
      const viewer = session.principal;
      const nav = navFor(viewer);
      if (!canSee(p, viewer)) {
        return c.html(
          <Layout title="Not available" nav={nav} current="" csrf={session.csrf}>
            <p>This page is not available to your {viewer.kind === "share" ? "partner link" : "API key"}.</p>
          </Layout>,
          403,
        );
      }
      const base: Omit<PageContext, "submission"> = {
        pack: p.code,
        path: c.req.path,
        params: c.req.param() as Record<string, string>,
        query: c.req.query(),
        api: pageApi(app, disabled ? { kind: "anonymous", label: "anonymous" } : viewer, c.get("requestId")),
        viewer:
          viewer.kind === "share"
            ? { kind: "share", scope: viewer.scope, subject: viewer.subject }
            : { kind: "key", name: viewer.label, scopes: viewer.scopes },
        csrf: session.csrf,
        timezone: registry.timezone,
        now,
      };
      let submission: PageSubmission | undefined;
      let status: 200 | 400 | 403 | 404 | 409 | 412 | 422 | 500 = 200;
      if (c.req.method === "POST") {
        const raw = await c.req.parseBody();
        const form: Record<string, string> = {};
        for (const [k, val] of Object.entries(raw)) if (typeof val === "string") form[k] = val;
        if (!form._csrf || !sameToken(form._csrf, session.csrf)) return c.text("Invalid form token", 403);
        const action = form._action ?? "";
        const fn = p.def.actions?.[action];
        if (!fn) return c.text(`Unknown action '${action}'`, 400);
        const { _csrf, _action, ...values } = form;
        const result = await fn({ ...base }, values);
        if ("redirect" in result) {
          if (result.notice && session.id !== "open") await sessions.flash(session.id, result.notice);
          return c.redirect(safeNext(result.redirect, p.path), 303);
        }
        submission = { action, values, error: result.error };
        const s = result.error.status;
        status = ([400, 403, 404, 409, 412, 422] as const).find((x) => x === s) ?? 500;
      }
      if (session.flash && session.id !== "open") await sessions.flash(session.id, null);
      let content: unknown;
      try {
        content = await p.def.render(submission ? { ...base, submission } : base);
      } catch (err) {
        if (!(err instanceof PageApiError)) throw err;
        content = <ProblemPanel problem={err.problem} heading="This page could not load its data" />;
        if (status === 200) status = 500;
      }
      return c.html(
        <Layout
          title={p.def.title}
          nav={nav}
          current={p.path}
          csrf={session.id === "open" ? undefined : session.csrf}
          viewer={viewer.kind === "share" ? `partner ${viewer.subject}` : viewer.label}
          notice={session.flash}
        >
          {content as string}
        </Layout>,
        status,
      );
    };
    app.get(p.path, handle);
    if (p.def.actions) app.post(p.path, handle);
  }
}
