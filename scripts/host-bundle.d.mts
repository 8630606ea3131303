import type { BuildOptions } from "esbuild";

export const HOST_BUNDLE: BuildOptions;
