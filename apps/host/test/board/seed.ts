import { addDays, todayIn } from "@valhalla/runtime";
import type { Host } from "../../src/create-host.js";

/** What `seedBoard` created, for the tests to assert on. */
export interface BoardSeed {
  readonly today: string;
  readonly month: string;
  readonly rentId: string;
  readonly internetId: string;
  readonly essentialsId: string;
  readonly diningId: string;
  readonly dealIds: { readonly ace1: string; readonly ace2: string; readonly other: string };
  readonly approvalId: string;
  readonly partnerToken: string;
}

/**
 * Fill a host through its HTTP API, as a user with curl would: bills (one due this week, one
 * overdue), budget buckets with unfunded essentials, deals of two partners, holdings, and a
 * message draft held for approval in soft-launch mode. Uses the host's clock so dates line up.
 */
export async function seedBoard(host: Host, adminKey: string, now: () => Date): Promise<BoardSeed> {
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await host.fetch(
      new Request(`http://seed.test${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const today = todayIn("UTC", now());
  const month = today.slice(0, 7);

  const rent = await call("POST", "/bills", {
    name: "Rent",
    payee: "Landlord LLC",
    currency: "USD",
    amount: "1500.00",
    cadence: "monthly",
    anchor_date: addDays(today, 3),
  });
  const internet = await call("POST", "/bills", {
    name: "Internet",
    payee: "FiberCo",
    currency: "USD",
    amount: "80.00",
    cadence: "monthly",
    anchor_date: addDays(today, -10),
    tracked_from: addDays(today, -20),
  });

  await call("PUT", "/budget/house", {
    income_streams: [{ name: "Salary", monthly: "5000.00" }],
    buffer_target: "1000.00",
  });
  const essentials = await call("POST", "/budget/buckets", {
    name: "Groceries",
    type: "essentials",
    priority: "A",
    monthly_limit: "600.00",
  });
  const dining = await call("POST", "/budget/buckets", {
    name: "Dining out",
    type: "fun",
    priority: "C",
    monthly_limit: "200.00",
  });
  await call("PUT", `/budget/months/${month}/allocations/${essentials.id}`, { amount: "600.00" });
  await call("PUT", `/budget/months/${month}/allocations/${dining.id}`, { amount: "200.00" });

  const deal = (address: string, partner: string, extra: Record<string, unknown> = {}) =>
    call("POST", "/wholesale", {
      property_address: address,
      partner_id: partner,
      arv: "250000.00",
      mao: "150000.00",
      seller_name: "Pat Seller",
      seller_phone: "+1 555 0100",
      seller_timezone: "UTC",
      market: "Austin",
      ...extra,
    });
  const ace1 = await deal("12 Oak Street", "ace");
  const ace2 = await deal("99 Elm Road", "ace");
  const other = await deal("7 Secret Lane", "zed", { seller_motivation: "divorce" });

  const home = await call("POST", "/holdings", { type: "property", label: "Home", currency: "USD" });
  await call("POST", `/holdings/${home.id}/valuations`, {
    amount: "400000.00",
    currency: "USD",
    as_of: today,
    source: "appraisal",
  });
  await call("POST", `/holdings/${home.id}/liabilities`, {
    kind: "mortgage",
    lender: "Bank",
    balance: "250000.00",
    currency: "USD",
    as_of: today,
  });
  const cash = await call("POST", "/holdings", { type: "cash", label: "Checking", currency: "USD" });
  await call("POST", `/holdings/${cash.id}/valuations`, {
    amount: "20000.00",
    currency: "USD",
    as_of: today,
    source: "bank statement",
  });

  await call("POST", "/pipeline/templates", {
    name: "First touch",
    channel: "sms",
    body: "Hi {{deal.seller_name}}, about {{deal.address}}",
  });
  await call("PUT", "/system/config", { soft_launch: true });
  const run = await call("POST", `/pipeline/deal/${ace1.id}/run`, { channel: "sms" });
  const queued = await call("POST", `/pipeline/runs/${run.run.id}/sent`, {
    channel: "sms",
    result: "delivered",
  });

  const share = await call("POST", "/share_tokens", { scope: "jv_board", subject: "ace", note: "Ace JV" });
  return {
    today,
    month,
    rentId: rent.id,
    internetId: internet.id,
    essentialsId: essentials.id,
    diningId: dining.id,
    dealIds: { ace1: ace1.id, ace2: ace2.id, other: other.id },
    approvalId: queued.approval_id,
    partnerToken: share.token,
  };
}
