import { TRANSPORTS, parseScenario, type Scenario, type ScenarioClient, type ScenarioStep } from "../../shared/scenario/schema.js";
import { onLabAction } from "../lab-actions.js";
import { ScenarioRecorder } from "../scenario/record/recorder.js";
import { stepText } from "../scenario/link/step-text.js";
import { part } from "./dom.js";
import type { LabHandle } from "./lab-handle.js";

interface RecorderContext {
  lab: () => Promise<LabHandle>;
  lesson: string;
  initialClients: readonly string[];
  add(scenario: Scenario): void;
}

/** The learner's server code if it runs on the lab now (GET …/server-code), for the recording's setup. */
async function learnerCode(labId: string): Promise<string | undefined> {
  try {
    const response = await fetch(`/api/labs/${encodeURIComponent(labId)}/server-code`);
    if (!response.ok) return undefined;
    const answer = (await response.json()) as { source?: string; code?: unknown };
    return answer.source === "learner" && typeof answer.code === "string" ? answer.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Record button and what it shows while recording: the steps so far, each renamable, and a form that
 * adds an expectation. Stop turns them into "Your recording", playable and shareable like any scenario.
 */
export function mountScenarioRecorder(region: HTMLElement, context: RecorderContext): void {
  const button = part<HTMLButtonElement>(region, ".scenario-record");
  const panel = part<HTMLElement>(region, ".scenario-recorder");
  const message = part<HTMLElement>(region, ".scenario-message");
  let recorder: ScenarioRecorder | undefined;
  let stop: (() => void) | undefined;

  panel.innerHTML = `
    <p class="recording-note">Recording: what you do in the lab becomes steps below.</p>
    <ol class="recording-steps" aria-label="Recorded steps"></ol>
    <form class="recording-expect">
      <fieldset>
        <legend>Add an expectation</legend>
        <label>Client <select name="expect-client"></select></label>
        <label>Expect <select name="expect-type">
          <option value="receives">receives the event</option>
          <option value="status">status becomes</option>
        </select></label>
        <label>Event <input name="expect-event" maxlength="64" value="greet" /></label>
        <label>Status <select name="expect-state">
          <option>connected</option><option>disconnected</option><option>connecting</option>
        </select></label>
        <button type="submit">Add expectation</button>
      </fieldset>
    </form>`;
  const list = part<HTMLOListElement>(panel, ".recording-steps");
  const form = part<HTMLFormElement>(panel, "form.recording-expect");
  const clientSelect = part<HTMLSelectElement>(form, "[name=expect-client]");

  const render = () => {
    if (!recorder) return;
    const steps = recorder.steps;
    list.replaceChildren(
      ...steps.map((step, index) => {
        const row = document.createElement("li");
        const label = document.createElement("label");
        label.textContent = `Step ${index + 1} name `;
        const input = document.createElement("input");
        input.value = stepText(step);
        input.maxLength = 80;
        input.addEventListener("change", () =>
          recorder?.rename(index, input.value === stepText({ ...step, name: undefined } as ScenarioStep) ? "" : input.value),
        );
        label.append(input);
        row.append(label);
        return row;
      }),
    );
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!recorder) return;
    const data = new FormData(form);
    const client = String(data.get("expect-client") ?? "");
    if (!client) return;
    const step: ScenarioStep =
      data.get("expect-type") === "status"
        ? { type: "expectStatus", client, state: String(data.get("expect-state")) as "connected" }
        : { type: "expectReceived", client, event: String(data.get("expect-event") ?? "").trim() || "message" };
    recorder.add(step);
    render();
  });

  async function begin(): Promise<void> {
    const { lab, session } = await context.lab();
    const clients: ScenarioClient[] = session.clients.map((client) => ({
      name: client.name,
      ...(client.transportChoice !== "default" &&
        (TRANSPORTS as readonly string[]).includes(client.transportChoice) && {
          transport: client.transportChoice as ScenarioClient["transport"],
        }),
    }));
    if (!clients.length) clients.push(...context.initialClients.map((name) => ({ name })));
    const settings = Object.fromEntries(lab.settings.map((setting) => [setting.name, setting.value]));
    const code = await learnerCode(lab.id);
    recorder = new ScenarioRecorder({
      lesson: context.lesson as Scenario["lesson"],
      clients,
      settings,
      ...(code !== undefined && { code }),
      at: Date.now(),
    });
    clientSelect.replaceChildren(
      ...session.clients.map((client) => {
        const option = document.createElement("option");
        option.textContent = client.name;
        return option;
      }),
    );
    stop = onLabAction((action) => {
      // Rendered even when no step was added: a live control's keystroke changes the last step's text.
      recorder?.record(action, Date.now());
      render();
    });
    render();
    panel.hidden = false;
    button.setAttribute("aria-pressed", "true");
    message.textContent = "Recording. Press Record again to stop.";
  }

  function end(): void {
    stop?.();
    stop = undefined;
    button.setAttribute("aria-pressed", "false");
    panel.hidden = true;
    const made = recorder;
    recorder = undefined;
    if (!made || !made.steps.length) {
      message.textContent = "Nothing was recorded: emit, drop or restart something while recording.";
      return;
    }
    const parsed = parseScenario(made.scenario());
    if (!parsed.ok) {
      message.textContent = `The recording could not be kept: ${parsed.error}`;
      return;
    }
    context.add(parsed.scenario);
    const left = made.notes.length ? ` Left out: ${made.notes.join(" ")}` : "";
    message.textContent = `Your recording has ${parsed.scenario.steps.length} steps: it is at the top of the list, ready to play.${left}`;
  }

  button.addEventListener("click", () => {
    if (recorder) end();
    else void begin();
  });
}
