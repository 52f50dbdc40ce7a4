/**
 * Typed handles to services one pack provides and another requires. Dependent packs import the
 * ref (from the provider's `./refs` subpath), never the provider's internals.
 * @module
 */

const PHANTOM = Symbol("valhalla.serviceType");

/** A reference to a service `T` offered by pack `pack` under `id`. @public */
export interface ServiceRef<T = unknown, Optional extends boolean = false> {
  readonly kind: "service-ref";
  readonly pack: string;
  readonly id: string;
  /** Semver range of the providing pack's version this ref works with. */
  readonly version: string;
  readonly optional: Optional;
  /** Phantom: carries `T` for inference; reading it throws. */
  readonly [PHANTOM]: T;
  /** The same ref, marked optional: the dependent works without the provider. */
  optionalRef(): ServiceRef<T, true>;
  toString(): string;
}

/** The service type a ref points to. @public */
export type ServiceOf<R> = R extends ServiceRef<infer T, boolean> ? T : never;

/**
 * Declare a service reference.
 * @example
 * export const dealsService = serviceRef<DealsApi>({ pack: "wholesale", id: "deals", version: "^1" });
 * @public
 */
export function serviceRef<T>(options: { pack: string; id: string; version: string }): ServiceRef<T, false> {
  return makeRef<T, false>(options, false);
}

function makeRef<T, O extends boolean>(
  o: { pack: string; id: string; version: string },
  optional: O,
): ServiceRef<T, O> {
  const ref = {
    kind: "service-ref" as const,
    pack: o.pack,
    id: o.id,
    version: o.version,
    optional,
    optionalRef: () => makeRef<T, true>(o, true),
    toString: () => `serviceRef{${o.pack}.${o.id}}`,
  };
  Object.defineProperty(ref, PHANTOM, {
    get() {
      throw new Error(`${ref.toString()}: the service type is for TypeScript only; read ctx.deps instead`);
    },
  });
  return ref as unknown as ServiceRef<T, O>;
}

/** Whether `x` is a service ref. @internal */
export function isServiceRef(x: unknown): x is ServiceRef<unknown, boolean> {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "service-ref";
}
