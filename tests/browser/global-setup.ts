import type { TestProject } from "vitest/node";
import { startProductionServer } from "../../scripts/production-server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    origin: string;
  }
}

/** Browser tests run against the production build, served the way `npm start` serves it. */
export default async function setup(project: TestProject) {
  const server = await startProductionServer();
  project.provide("origin", server.origin);
  return () => server.stop();
}
