import type { PageProblem } from "@valhalla/runtime";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";

/** One navigation link. @internal */
export interface NavItem {
  readonly href: string;
  readonly label: string;
}

/** The document around every web-app page: skip link, navigation, notice, main. @internal */
export function Layout(props: {
  readonly title: string;
  readonly nav: readonly NavItem[];
  readonly current: string;
  /** The session's CSRF token, for the sign-out form; absent when signed out. */
  readonly csrf?: string | undefined;
  readonly viewer?: string;
  readonly notice?: string | null;
  /** Navigate here at once (a same-site refresh, for pages reached through a cross-site redirect). */
  readonly refreshTo?: string;
  readonly children?: Child;
}) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width,initial-scale=1" />
          <title>{`${props.title} · Valhalla`}</title>
          {props.refreshTo && <meta http-equiv="refresh" content={`0;url=${props.refreshTo}`} />}
          <link rel="stylesheet" href="/app/assets/board.css" />
          <script src="/app/assets/board.js" defer />
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a class="brand" href={props.nav[0]?.href ?? "/app"}>
              Valhalla
            </a>
            {props.nav.length > 0 && (
              <nav class="main" aria-label="Main">
                <ul>
                  {props.nav.map((n) => (
                    <li>
                      <a href={n.href} aria-current={n.href === props.current ? "page" : undefined}>
                        {n.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            {props.csrf !== undefined && (
              <form method="post" action="/app/signout">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <span class="visually-hidden">{props.viewer ? `Signed in as ${props.viewer}. ` : ""}</span>
                <button type="submit" class="secondary">
                  Sign out
                </button>
              </form>
            )}
          </header>
          <main id="main" tabindex={-1}>
            <h1>{props.title}</h1>
            {props.notice && (
              <p class="notice" role="status">
                {props.notice}
              </p>
            )}
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

/** A problem from the API, shown in place of (or above) a page's content. @internal */
export function ProblemPanel(props: { readonly problem: PageProblem; readonly heading?: string }) {
  const hint = props.problem.extra.hint;
  return (
    <div class="error" role="alert">
      <h2>{props.heading ?? props.problem.title}</h2>
      <p>{props.problem.detail || `The API answered ${props.problem.status}.`}</p>
      {typeof hint === "string" && <p class="muted">{hint}</p>}
    </div>
  );
}
