/**
 * The arguments that start the same process again with `flags` first: then node's own options as it was
 * given them, then the script and its arguments. V8 reads its heap's flags once, at start.
 */
export function argumentsWithFlags(
  flags: readonly string[],
  execPath: string,
  execArgv: readonly string[],
  argv: readonly string[],
): string[] {
  return [execPath, ...flags, ...execArgv, ...argv.slice(1)];
}
