/**
 * The URL of a real service for integration tests, from an environment variable.
 *
 * - set: the URL (a test that cannot reach it then fails, as it should);
 * - unset outside CI: `undefined`, after printing a visible notice, so the caller skips;
 * - unset with `CI=true`: throws, because CI must run every driver.
 *
 * @example
 * const url = testServiceUrl("VALHALLA_TEST_REDIS_URL");
 * driverSuite({ name: "redis", skip: !url && "VALHALLA_TEST_REDIS_URL is not set", … });
 * @public
 */
export function testServiceUrl(variable: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env[variable];
  if (url) return url;
  if (env.CI === "true")
    throw new Error(`${variable} must be set when CI=true; the service tests cannot be skipped`);
  console.warn(`[valhalla] SKIPPING tests that need ${variable} (unset; set it to run them)`);
  return undefined;
}
