import { defineProject, type UserWorkspaceConfig } from "vitest/config";

/** One project config for every package: sources resolved through the `@valhalla/source` condition. */
export function project(name: string, extra: UserWorkspaceConfig["test"] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: ["@valhalla/source"] },
    ssr: { resolve: { conditions: ["@valhalla/source"] } },
    test: {
      name,
      include: ["test/**/*.test.ts"],
      typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "../../tsconfig.json" },
      testTimeout: 20_000,
      hookTimeout: 30_000,
      ...extra,
    },
  });
}
