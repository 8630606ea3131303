import type { BuildOptions } from "esbuild";

export const HOST_BUNDLE: BuildOptions;
export const SCALING_NODE_SOURCE: string;
export const DATABASE_PROCESS_SOURCE: string;
export const SCENARIO_CLI_SOURCE: string;
