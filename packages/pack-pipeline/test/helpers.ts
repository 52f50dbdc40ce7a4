import { type CreateHostOptions, createHost, type Host, silentLogger } from "@valhalla/host";
import { pipeline } from "../src/index.js";
import { fakeBills } from "./fixtures/fake-bills.js";
import { fakeWholesale } from "./fixtures/fake-wholesale.js";

/** A settable clock for `createHost({ now })`. */
export function clock(start: string) {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (iso: string) => {
      t = new Date(iso).getTime();
    },
    advanceDays: (n: number) => {
      t += n * 86_400_000;
    },
  };
}

/** A host with the pipeline and the fake wholesale pack (and fake bills unless `bills: false`). */
export function pipelineHost(options: Partial<CreateHostOptions> & { bills?: boolean } = {}): Promise<Host> {
  const { bills = true, ...rest } = options;
  return createHost({
    packs: bills ? [fakeWholesale, fakeBills, pipeline] : [fakeWholesale, pipeline],
    storage: "memory:",
    log: silentLogger,
    auth: { disabled: true },
    ...rest,
  });
}

/** JSON request through the host. */
export async function call(
  host: Host,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await host.fetch(
    new Request(`http://localhost${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as any };
}

/** Seed templates and add a deal; returns the deal. */
export async function seedWithDeal(host: Host, deal: Record<string, unknown> = {}) {
  await call(host, "POST", "/boot/seed_minimum");
  // Seeding turns soft launch on; most tests exercise the direct path.
  await call(host, "PUT", "/system/config", { soft_launch: false });
  const res = await call(host, "POST", "/wholesale/deals", {
    address: "12 Elm St",
    mao_minor: 12_500_000,
    seller_name: "Ada",
    timezone: "America/New_York",
    ...deal,
  });
  return res.body as { id: string };
}
