import type { MigrationDef } from "@valhalla/runtime";
import { DEFAULT_EMAIL_BODY } from "../brief.js";
import type { PipelineContext } from "../storage.js";

/** The email body seeded before 1.1.0, which told the seller the MAO. */
const OLD_EMAIL_BODY =
  "Hi {{deal.seller_name}},\n\nI wanted to follow up on {{deal.address}}. We can offer up to {{deal.mao}}. Would you like to talk this week?";

/**
 * Rewrite the seeded default email (`tpl_default_email`) to quote the chosen offer instead of the
 * MAO, but only while it is still the untouched seed: a template the user edited stays theirs.
 */
export const defaultEmailOffer: MigrationDef<PipelineContext> = {
  version: 1,
  name: "default-email-quotes-offer",
  up: async (ctx) => {
    const tpl = await ctx.storage.templates.get("tpl_default_email");
    if (tpl?.body !== OLD_EMAIL_BODY) return;
    await ctx.storage.templates.update(tpl.id, { body: DEFAULT_EMAIL_BODY }, { ifRev: tpl.rev });
  },
};
