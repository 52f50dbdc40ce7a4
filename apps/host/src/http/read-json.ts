import { MAX_JSON_DEPTH, ProblemError } from "@valhalla/runtime";
import type { Context } from "hono";

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * Read a JSON request body strictly: 415 for another content type (Hono's validator would hand
 * the schema `{}`), 400 for malformed JSON or nesting deeper than 32.
 */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!JSON_TYPE.test(type)) {
    throw new ProblemError(
      415,
      "unsupported-media-type",
      `Send the body as application/json (got '${type || "none"}')`,
    );
  }
  const text = await c.req.text();
  if (text.trim() === "")
    throw new ProblemError(400, "malformed-json", "The request body is empty; send a JSON object");
  if (tooDeep(text))
    throw new ProblemError(400, "json-too-deep", `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text, (key, value) => (key === "__proto__" ? undefined : value));
  } catch (err) {
    throw new ProblemError(
      400,
      "malformed-json",
      `Malformed JSON: ${err instanceof Error ? err.message.replace(/\s+in JSON.*$/, "") : "parse error"}`,
    );
  }
}

// Scan brackets outside strings before parsing, so a hostile body never reaches a recursive walk.
function tooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++;
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return false;
}
