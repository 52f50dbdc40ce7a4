import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { apiKeyStore } from "../../src/security/api-keys.js";
import { shareTokenStore } from "../../src/security/share-tokens.js";
import { keyFor, testHost } from "../fixtures/hosts.js";

const ORIGIN = "http://valhalla.test";

/** A tiny cookie jar: enough for one browser-like client of the in-process host. */
function client(host: Host) {
  const jar = new Map<string, string>();
  const send = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await host.fetch(new Request(ORIGIN + path, { ...init, headers, redirect: "manual" }));
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [name, value] = pair!.split("=") as [string, string];
      if (/Max-Age=0/i.test(c) || value === "") jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  const form = (path: string, fields: Record<string, string>) =>
    send(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const signIn = async (key: string, next = "/app") => {
    const page = await send("/app/signin");
    return form("/app/signin", { _csrf: csrfOf(await page.text()), key, next });
  };
  return { jar, send, form, csrfOf, signIn };
}

describe("board sign-in and sessions", () => {
  let host: Host;
  afterEach(async () => host?.close());

  it("should send a signed-out visitor to the sign-in page, keeping where they were going", async () => {
    host = await testHost();
    const res = await client(host).send("/app/holdings");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/app/signin?next=%2Fapp%2Fholdings");
  });

  it("should exchange an API key for an HttpOnly, SameSite=Strict session cookie and redirect to next", async () => {
    host = await testHost();
    const key = await keyFor(host, "admin");
    const c = client(host);
    const res = await c.signIn(key, "/app/holdings");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/app/holdings");
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith("valhalla_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(key);
    const page = await c.send("/app/holdings");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain("<h1>Holdings</h1>");
  });

  it("should refuse a wrong key, a missing form token and an outside `next`", async () => {
    host = await testHost();
    const key = await keyFor(host, "admin");
    const c = client(host);
    const wrong = await c.signIn(`${key.slice(0, -4)}AAAA`);
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("That API key is invalid, revoked or expired.");
    const noToken = await c.form("/app/signin", { key });
    expect(noToken.status).toBe(401);
    expect(c.jar.has("valhalla_session")).toBe(false);
    const outside = await c.signIn(key, "//evil.example/app");
    expect(outside.headers.get("location")).toBe("/app");
  });

  it("should end every session of a key when the key is revoked", async () => {
    host = await testHost();
    const keys = apiKeyStore(host.registry.driver);
    const { key, secret } = await keys.create({ name: "phone", scopes: "admin" });
    const c = client(host);
    await c.signIn(secret);
    expect((await c.send("/app")).status).toBe(200);
    await keys.revoke(key.id);
    const after = await c.send("/app");
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/app/signin?next=%2Fapp");
  });

  it("should refuse a form post without the session's CSRF token", async () => {
    host = await testHost();
    const c = client(host);
    await c.signIn(await keyFor(host, "admin"));
    const forged = await c.form("/app/approvals", { _action: "approve", id: "appr_x", _csrf: "guess" });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toBe("Invalid form token");
  });

  it("should sign out: the session is gone server-side, not only the cookie", async () => {
    host = await testHost();
    const c = client(host);
    await c.signIn(await keyFor(host, "admin"));
    const stolen = c.jar.get("valhalla_session")!;
    const today = await (await c.send("/app")).text();
    const out = await c.form("/app/signout", { _csrf: c.csrfOf(today) });
    expect(out.headers.get("location")).toBe("/app/signin");
    const replay = await host.fetch(
      new Request(`${ORIGIN}/app`, { headers: { cookie: `valhalla_session=${stolen}` } }),
    );
    expect(replay.status).toBe(303);
  });

  it("should show a key only the pages its scopes can read", async () => {
    host = await testHost();
    const c = client(host);
    await c.signIn(await keyFor(host, "holdings:read"));
    const html = await (await c.send("/app/holdings")).text();
    const nav = /<nav[\s\S]*?<\/nav>/.exec(html)![0];
    expect([...nav.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1])).toEqual(["/app/holdings"]);
    expect((await c.send("/app/audit")).status).toBe(403);
  });

  it("should turn a partner link into a session, drop the token from the address and open only the partner board", async () => {
    host = await testHost();
    const { secret } = await shareTokenStore(host.registry.driver).create({
      scope: "jv_board",
      subject: "ace",
      expiresAt: new Date(Date.now() + 86_400_000),
      createdBy: "test",
    });
    const c = client(host);
    const link = await c.send(`/app/jv?token=${encodeURIComponent(secret)}`);
    expect(link.status).toBe(303);
    expect(link.headers.get("location")).toBe("/app/jv?opened=1");
    const landing = await c.send("/app/jv?opened=1");
    expect(landing.headers.get("location")).toBe("/app/wholesale/partner");
    const board = await c.send("/app/wholesale/partner");
    expect(board.status).toBe(200);
    expect(await board.text()).toContain("Deals shared with <strong>ace</strong>: 0.");
    expect((await c.send("/app")).status).toBe(403);
    expect((await c.send("/app/wholesale")).status).toBe(403);
  });

  it("should answer a partner link's landing without a cookie (cross-site) with a same-site refresh", async () => {
    host = await testHost();
    const res = await client(host).send("/app/jv?opened=1");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<meta http-equiv="refresh" content="0;url=/app/jv"/>');
    const bare = await client(host).send("/app/jv");
    expect(bare.headers.get("location")).toBe("/app/signin");
  });

  it("should refuse a revoked partner link", async () => {
    host = await testHost();
    const shares = shareTokenStore(host.registry.driver);
    const { token, secret } = await shares.create({
      scope: "jv_board",
      subject: "ace",
      expiresAt: new Date(Date.now() + 86_400_000),
      createdBy: "test",
    });
    await shares.revoke(token.id);
    const res = await client(host).send(`/app/jv?token=${encodeURIComponent(secret)}`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("This partner link is invalid, revoked or expired.");
  });
});
