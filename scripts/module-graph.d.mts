/** The site paths a built module's code imports statically, resolved against the module's own site path. */
export function importsOf(code: string, from: string): string[];
/** The source files a module imports, itself included, followed through relative value imports. */
export function localModuleGraph(entry: string): Set<string>;
