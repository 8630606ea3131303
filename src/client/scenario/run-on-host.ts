import { openLab } from "../lab-api.js";
import { createLabControl } from "../lab-control.js";
import { LabSession } from "../lab-session.js";
import type { Scenario } from "../../shared/scenario/schema.js";
import type { ScenarioEvent, ScenarioReport } from "./scenario-events.js";
import { ScenarioRunner } from "./scenario-runner.js";

/** A learner id of its own for each run: the run gets a fresh lab, never someone's. */
function runLearner(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `scenario-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Runs a scenario against a running playground from Node (or any script with fetch): a fresh lab of the
 * scenario's lesson, its clients as real socket.io-client sockets, the faults through the control API. The
 * lab is deleted afterwards. `onEvent` hears every event of the run as it happens.
 */
export async function runScenarioOnHost(
  origin: string,
  scenario: Scenario,
  onEvent?: (event: ScenarioEvent) => void,
): Promise<ScenarioReport> {
  const lab = await openLab(scenario.lesson, runLearner(), origin);
  const session = new LabSession(lab, origin);
  const runner = new ScenarioRunner(scenario, { session, control: createLabControl(origin) });
  if (onEvent) runner.on(onEvent);
  try {
    return await runner.play();
  } finally {
    runner.dispose();
    session.close();
    await fetch(`${origin}/api/labs/${lab.id}`, { method: "DELETE" }).catch(() => undefined);
  }
}
