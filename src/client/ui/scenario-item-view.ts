import type { Scenario } from "../../shared/scenario/schema.js";
import { labControl } from "../lab-control.js";
import { untapped } from "../lab-actions.js";
import { ScenarioRunner, type RunnerState, type ScenarioEvent } from "../scenario/index.js";
import { isExpectationStep, stepText } from "../scenario/link/step-text.js";
import { markScenarioStep } from "../timeline/step-marks.js";
import { part } from "./dom.js";
import type { LabHandle } from "./lab-handle.js";

export interface ScenarioItemContext {
  lab: () => Promise<LabHandle>;
  /** The page's own clients, put back after a reset (a scenario's setup replaced them). */
  initialClients: readonly string[];
  /** This item is about to run: the region resets whichever other one ran. */
  claim(item: ScenarioItem): Promise<void>;
  share(scenario: Scenario): Promise<void>;
  /** Shows a bug report's Markdown (and copies it). */
  report(markdown: string, title: string): Promise<void>;
  /** Says something in the region's status line. */
  say(text: string, error?: boolean): void;
}

export interface ScenarioItem {
  readonly scenario: Scenario;
  /** Whether it has run anything since its last reset. */
  readonly started: boolean;
  reset(): Promise<void>;
}

/** One step's row: what it does, then its result and evidence once it ran. */
function stepRow(text: string): HTMLLIElement {
  const row = document.createElement("li");
  const what = document.createElement("span");
  what.className = "step-text";
  what.textContent = text;
  const result = document.createElement("span");
  result.className = "step-result";
  const evidence = document.createElement("span");
  evidence.className = "step-evidence";
  row.append(what, " ", result, " ", evidence);
  return row;
}

/** The markup of a scenario the page did not ship (a link's, a recording), as Scenarios.astro renders one. */
export function scenarioItemMarkup(scenario: Scenario, id: string, heading: string): HTMLLIElement {
  const item = document.createElement("li");
  item.className = "scenario";
  item.dataset.scenarioId = id;
  const article = document.createElement("article");
  article.setAttribute("aria-labelledby", `scenario-${id}`);
  const title = document.createElement("h4");
  title.id = `scenario-${id}`;
  title.textContent = heading;
  const description = document.createElement("p");
  description.className = "scenario-description";
  description.textContent = scenario.description?.split(/(?<=\.)\s/)[0] ?? "";
  const actions = document.createElement("div");
  actions.className = "scenario-actions";
  for (const [action, label] of [
    ["play", "Play"],
    ["pause", "Pause"],
    ["step", "Step"],
    ["reset", "Reset"],
    ["link", "Copy link"],
    ["export", "Export as a script"],
    ["report", "Copy as a bug report"],
  ]) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.action = action;
    button.textContent = label!;
    actions.append(button);
  }
  const state = document.createElement("p");
  state.className = "scenario-state";
  state.setAttribute("aria-live", "polite");
  const steps = document.createElement("ol");
  steps.className = "scenario-steps";
  steps.setAttribute("aria-label", `${heading}: steps`);
  article.append(title, description, actions, state, steps);
  item.append(article);
  return item;
}

function stateText(state: RunnerState, cursor: number, total: number, error?: string): string {
  switch (state) {
    case "idle":
      return "";
    case "setting-up":
      return "Setting up the lab…";
    case "ready":
    case "paused":
      return cursor >= total ? "" : `Paused before step ${cursor + 1} of ${total}.`;
    case "running":
      return `Running step ${Math.min(cursor + 1, total)} of ${total}…`;
    case "done":
      return "";
    case "failed":
      return `Stopped: ${error ?? "the run failed"}`;
  }
}

/** Drives one scenario on the page's lab: its buttons, its cursor, its rows' results, its timeline marks. */
export function mountScenarioItem(item: HTMLElement, scenario: Scenario, context: ScenarioItemContext): ScenarioItem {
  const steps = part<HTMLOListElement>(item, ".scenario-steps");
  const state = part<HTMLElement>(item, ".scenario-state");
  const button = (action: string) => part<HTMLButtonElement>(item, `[data-action="${action}"]`);
  const [play, pause, step, reset, link, exportButton, reportButton] = [
    button("play"),
    button("pause"),
    button("step"),
    button("reset"),
    button("link"),
    button("export"),
    button("report"),
  ];
  const rows = scenario.steps.map((s) => stepRow(stepText(s)));
  steps.replaceChildren(...rows);

  let runner: ScenarioRunner | undefined;
  let handle: LabHandle | undefined;
  let resetting = false;

  const setCursor = (index: number | undefined) =>
    rows.forEach((row, i) => (i === index ? row.setAttribute("aria-current", "step") : row.removeAttribute("aria-current")));
  const showResult = (index: number, text: string, evidence = "") => {
    const row = rows[index];
    if (!row) return;
    const result = part<HTMLElement>(row, ".step-result");
    result.textContent = text;
    result.dataset.result = text;
    part<HTMLElement>(row, ".step-evidence").textContent = evidence;
  };
  const update = () => {
    const now = runner?.state ?? "idle";
    // Between steps the cursor is on the step that runs next.
    if (runner && (now === "paused" || now === "ready")) setCursor(runner.cursor < rows.length ? runner.cursor : undefined);
    const busy = resetting || now === "running" || now === "setting-up";
    play.disabled = busy;
    step.disabled = busy || now === "done" || now === "failed";
    pause.disabled = !busy || resetting;
    reset.disabled = resetting || now === "idle";
    const report = runner?.report;
    state.textContent =
      now === "done" && report
        ? `Done: ${report.passed} passed, ${report.failed} failed.`
        : stateText(now, runner?.cursor ?? 0, scenario.steps.length, report?.error);
  };

  const listen = (event: ScenarioEvent) => {
    if (event.type === "step-started") {
      setCursor(event.index);
      showResult(event.index, "running");
      if (handle) markScenarioStep(handle.session.timeline, { at: event.at, index: event.index, label: stepText(event.step) });
    } else if (event.type === "step-done") {
      const { result } = event;
      if (isExpectationStep(event.step)) showResult(event.index, result.ok ? "passed" : "failed", result.expectation?.evidence.summary);
      else if (result.ok) showResult(event.index, "done", result.expectation?.evidence.summary);
      else showResult(event.index, "failed", result.error);
      setCursor(event.index + 1 < rows.length ? event.index + 1 : undefined);
    } else if (event.type === "finished" && event.report.state === "done") {
      setCursor(undefined);
    }
    update();
  };

  async function ready(): Promise<ScenarioRunner> {
    handle ??= await context.lab();
    if (!runner) {
      runner = new ScenarioRunner(scenario, { session: handle.session, control: untapped(labControl) });
      runner.on(listen);
    }
    return runner;
  }

  async function doReset(): Promise<void> {
    if (!runner || resetting) return;
    resetting = true;
    update();
    try {
      await runner.reset();
    } finally {
      resetting = false;
    }
    rows.forEach((_, index) => showResult(index, ""));
    setCursor(undefined);
    // The scenario's clients are gone with the reset: the lab gets back the clients it opened with.
    if (handle) for (const name of context.initialClients) if (!handle.session.client(name)) handle.addClient(name);
    update();
  }

  const self: ScenarioItem = {
    scenario,
    get started() {
      return runner !== undefined && runner.state !== "idle";
    },
    reset: doReset,
  };

  play.addEventListener("click", async () => {
    await context.claim(self);
    const running = await ready();
    if (running.state === "done" || running.state === "failed") await doReset();
    void running.play().then(update);
    update();
  });
  step.addEventListener("click", async () => {
    await context.claim(self);
    void (await ready()).step().then(update);
    update();
  });
  pause.addEventListener("click", () => {
    runner?.pause();
    state.textContent = "Pausing after this step…";
  });
  reset.addEventListener("click", () => void doReset());
  link.addEventListener("click", () => void context.share(scenario));
  // The export code (docs/scenarios.md, "Export") loads only when asked for.
  exportButton.addEventListener("click", async () => {
    exportButton.disabled = true;
    try {
      const { scenarioScript } = await import("../scenario/export/index.js");
      const script = await scenarioScript(scenario);
      const slug = scenario.title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 40);
      const file = `${scenario.lesson}-${slug}.mjs`;
      const url = URL.createObjectURL(new Blob([script], { type: "text/javascript" }));
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = file;
      anchor.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      context.say(`Saved ${file}: run it with node, with socket.io and socket.io-client installed.`);
    } catch (error) {
      context.say(`The script could not be made: ${error instanceof Error ? error.message : String(error)}`, true);
    } finally {
      exportButton.disabled = false;
    }
  });
  reportButton.addEventListener("click", async () => {
    const { bugReport } = await import("../scenario/export/index.js");
    const { session } = handle ?? (await context.lab());
    const report = (await ready()).report;
    const arrow = { "to-server": "→", "to-client": "←", none: "·" } as const;
    const timeline = session.timeline
      .filtered({ client: "", event: "", showHeartbeat: false, showPage: false })
      .map((entry) => `${new Date(entry.at).toISOString().slice(11, 23)} ${entry.lane} ${arrow[entry.direction]} ${entry.summary}`);
    await context.report(bugReport({ scenario, report, timeline }), scenario.title);
  });
  update();
  return self;
}
