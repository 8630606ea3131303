import { readFile } from "node:fs/promises";
import { parseScenarioJson } from "../../shared/scenario/schema.js";
import { runScenarioOnHost } from "./run-on-host.js";

/**
 * `npm run scenario -- <file.json> [--origin http://127.0.0.1:4321] [--events]` (docs/scenarios.md): runs a
 * scenario against a running playground and prints its report as JSON; with --events, one NDJSON line per
 * event first. Exits 0 when every step passed, 1 when one failed, 2 when the scenario could not run.
 */
async function main(args: string[]): Promise<number> {
  const file = args.find((arg) => !arg.startsWith("--") && args[args.indexOf(arg) - 1] !== "--origin");
  const originAt = args.indexOf("--origin");
  const origin = (originAt >= 0 ? args[originAt + 1] : undefined) ?? process.env.PLAYGROUND_URL ?? "http://127.0.0.1:4321";
  if (!file) {
    process.stderr.write("Usage: run-scenario <scenario.json> [--origin <url>] [--events]\n");
    return 2;
  }
  const parsed = parseScenarioJson(await readFile(file, "utf8"));
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`);
    return 2;
  }
  const events = args.includes("--events");
  const report = await runScenarioOnHost(origin, parsed.scenario, (event) => {
    if (events) process.stdout.write(`${JSON.stringify(event)}\n`);
  });
  process.stdout.write(`${JSON.stringify(report, null, events ? undefined : 2)}\n`);
  if (report.state !== "done") return 2;
  return report.steps.every((step) => step.ok) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
