/**
 * Pages: the part of the pack contract the host's web app (`/app`) renders. A page is data, like a
 * route: a path under `/app/<code>`, a title, an optional navigation label and a render function.
 * Pages read and write only through the host's own HTTP API (`ctx.api`), in-process and as the
 * signed-in caller, so a page can never see more than its viewer's credential allows.
 * @module
 */

/**
 * What a page renders: Hono JSX (`<section>…</section>`), or a string, which the host escapes.
 * Typed structurally so the runtime does not depend on a JSX runtime.
 * @public
 */
export type PageContent = string | Promise<string>;

/** A problem+json answer of the API, as a page sees it. @public */
export interface PageProblem {
  readonly status: number;
  /** The problem `type`'s last segment, e.g. `essentials-unfunded`. */
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  /** Every other member of the problem document (`hint`, `errors`, …). */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** The outcome of `ctx.api.send()`: the parsed body on success, the problem otherwise. @public */
export type ApiResult<T> =
  | { readonly ok: true; readonly status: number; readonly data: T }
  | { readonly ok: false; readonly status: number; readonly problem: PageProblem };

/** The host's HTTP API, called in-process as the page's viewer. @public */
export interface PageApi {
  /**
   * GET a JSON resource; `query` values that are `undefined` are left out.
   * @throws PageApiError when the API answers with a problem (the host shows it in place of the page)
   */
  get<T = unknown>(path: string, query?: Readonly<Record<string, string | number | undefined>>): Promise<T>;
  /** Send a write (POST, PUT, PATCH, DELETE) with a JSON body; never throws on a 4xx/5xx answer. */
  send<T = unknown>(
    method: "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<ApiResult<T>>;
}

/** Thrown by `ctx.api.get()` on a problem answer. @public */
export class PageApiError extends Error {
  readonly problem: PageProblem;
  constructor(problem: PageProblem) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.name = "PageApiError";
    this.problem = problem;
  }
}

/** Who is looking at the page. @public */
export type PageViewer =
  | { readonly kind: "key"; readonly name: string; readonly scopes: readonly string[] }
  | { readonly kind: "share"; readonly scope: string; readonly subject: string };

/** A form post the host passes back to `render` when an action did not redirect. @public */
export interface PageSubmission {
  /** The action's name (the form's `_action` field). */
  readonly action: string;
  /** The submitted fields, minus the CSRF token and `_action`. */
  readonly values: Readonly<Record<string, string>>;
  /** What went wrong, to show beside the form. */
  readonly error?: PageProblem;
}

/** Everything a page's `render` and `actions` receive. @public */
export interface PageContext {
  /** Code of the pack that declared the page (`host` for the host's own pages). */
  readonly pack: string;
  /** The full path, `/app/bills`. */
  readonly path: string;
  /** Path parameters (`/:id` → `params.id`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly api: PageApi;
  readonly viewer: PageViewer;
  /** The session's CSRF token: put it in every form as `<input type="hidden" name="_csrf">`. */
  readonly csrf: string;
  /** The host's IANA time zone. */
  readonly timezone: string;
  now(): Date;
  /** Set when an action answered with an error instead of a redirect. */
  readonly submission?: PageSubmission;
}

/**
 * What an action returns: a redirect (Post/Redirect/Get) with an optional notice shown once, or an
 * error the host shows by rendering the page again with `ctx.submission`.
 * @public
 */
export type PageActionResult =
  | { readonly redirect: string; readonly notice?: string }
  | { readonly error: PageProblem };

/** A form handler of a page: `<form method="post">` with a hidden `_action` field names it. @public */
export type PageAction = (
  ctx: PageContext,
  form: Readonly<Record<string, string>>,
) => Promise<PageActionResult> | PageActionResult;

/** A page declaration: mounted at `/app/<code><path>`. @public */
export interface PageDef {
  /** Path under `/app/<code>`, Hono syntax: `/`, `/calendar`, `/:id`. */
  readonly path: string;
  /** The document title and main heading. */
  readonly title: string;
  /** Label in the navigation; pages without one (detail pages) are reached by links. */
  readonly nav?: string;
  /**
   * Partner pages: the share-token scope (e.g. `jv_board`) whose holders see this page, and only
   * the pages of their scope. Pages without it are for API-key sessions.
   */
  readonly shareScope?: string;
  readonly render: (ctx: PageContext) => PageContent;
  readonly actions?: Readonly<Record<string, PageAction>>;
}

/** A small panel a pack adds to the host's Today page. @public */
export interface WidgetDef {
  /** Unique within the pack, `[a-z][a-z0-9-]*`. */
  readonly id: string;
  readonly title: string;
  readonly render: (ctx: PageContext) => PageContent;
}

/**
 * Declare a page; typing only, like `route()`.
 * @example
 * page({ path: "/", title: "Assets", nav: "Assets",
 *   render: async ({ api }) => <ul>{(await api.get<{ items: Asset[] }>("/holdings")).items.map(…)}</ul> })
 * @public
 */
export function page(def: PageDef): PageDef {
  return def;
}
