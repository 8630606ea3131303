import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
          // The Scaling lab's node processes need their entry bundled, and its Redis tests a Redis.
          globalSetup: ["tests/support/scaling-setup.ts"],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          globalSetup: ["tests/browser/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // One Chromium at a time: two would fight the server for a 2-core machine's CPU.
          fileParallelism: false,
        },
      },
    ],
  },
});
