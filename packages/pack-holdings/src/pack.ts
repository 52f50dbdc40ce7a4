import { definePack, moneyText } from "@valhalla/runtime";
import { version } from "../package.json";
import { summaryIndex } from "./migrations/001-summary-index.js";
import { holdingsPage } from "./pages.js";
import { holdingsService } from "./refs.js";
import * as assets from "./routes/assets.js";
import * as history from "./routes/history.js";
import { HoldingsConfig } from "./schemas.js";
import { configOf, summarize } from "./service.js";
import { storage } from "./storage.js";
import { checkSummaryIndex } from "./summary-index.js";

/** Holdings: assets, valuations, liabilities and net equity. */
export const holdings = definePack({
  code: "holdings",
  // One source of truth: the version npm publishes is the one `requires` ranges are checked against.
  version,
  description: "Assets of any type, valuations with history, liabilities and net equity in a base currency",
  provides: [holdingsService],
  services: (ctx) => ({
    holdings: {
      async netEquity() {
        const cfg = configOf(ctx);
        const s = await summarize(ctx, { base: cfg.base_currency, fx: cfg.fx_rates });
        return { base_currency: s.base_currency, equity_minor: s.totals.equity_minor, count: s.totals.count };
      },
    },
  }),
  storage,
  configSchema: HoldingsConfig,
  // Static paths before `/:id` so `/summary` is never read as an id.
  routes: [
    assets.createAsset,
    assets.listAssets,
    assets.holdingsSummary,
    history.historyRoute,
    history.putFxRate,
    history.listFxRates,
    assets.getAsset,
    assets.patchAsset,
    assets.archiveAsset,
    assets.addValuation,
    assets.listValuations,
    assets.addLiability,
    assets.listLiabilities,
    history.addLiabilityBalance,
    history.listLiabilityBalances,
  ],
  pages: [holdingsPage],
  // Config is checked by the registry against configSchema (E_CONFIG_INVALID, one issue per field).
  brief: async (ctx) => {
    const cfg = configOf(ctx);
    const s = await summarize(ctx, { base: cfg.base_currency, fx: cfg.fx_rates });
    return {
      title: "Holdings",
      items: [
        { label: "Active holdings", value: s.totals.count },
        {
          label: `Net equity: ${moneyText({ amount_minor: s.totals.equity_minor, currency: s.base_currency })}`,
          value: s.totals.equity_minor,
        },
        { label: "Stale valuations", value: s.stale_total },
      ],
    };
  },
  jobs: [
    {
      name: "summary-check",
      cron: "30 3 * * *",
      description: "Recount every holding and repair the summary's sums if a killed write left them off",
      run: async (ctx) => {
        const r = await checkSummaryIndex(ctx);
        if (!r.matched) ctx.log.warn("holdings summary sums differed from the holdings", { ...r });
        return r;
      },
    },
  ],
  migrations: [summaryIndex],
});
