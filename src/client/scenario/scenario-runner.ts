import type { LabInfo } from "../../shared/lab-api.js";
import { SCENARIO_LIMITS } from "../../shared/scenario/limits.js";
import type { Scenario, ScenarioExpectation, ScenarioStep } from "../../shared/scenario/schema.js";
import type { LabControl } from "../lab-control.js";
import type { LabSession } from "../lab-session.js";
import { ActionError, addClient, RESTARTING_STEPS, runAction, waitConnected, type ActionContext, type ActionStep } from "./actions.js";
import { checkExpectation, type TrackedAck } from "./expectations.js";
import { Observations } from "./observations.js";
import type { ExpectationResult, RunnerState, ScenarioEvent, ScenarioReport, StepResult } from "./scenario-events.js";

export interface ScenarioRunnerOptions {
  /** The lab the scenario runs on: the learner's own on a page, a fresh one in a test or script. */
  session: LabSession;
  /** The control API calls, at the lab's origin (`createLabControl(origin)` in Node). */
  control: LabControl;
  /** The run's deadline, setup included (at most SCENARIO_LIMITS.maxTotalMs). */
  maxTotalMs?: number;
}

/** How long setup gives every client to connect. */
const SETUP_CONNECT_MS = 10_000;

const isExpectation = (step: ScenarioStep): step is ScenarioExpectation => step.type.startsWith("expect");

/**
 * Plays a scenario on a lab session, one step at a time (docs/scenarios.md). No DOM: the lab page drives it
 * with Play, Pause, Step and Reset and renders its events; a test or the scripting route drives it in Node.
 *
 * Setup (on the first play or step) sets the lab's server code, recovery, nodes and settings as the scenario
 * says, and connects its clients (replacing the session's clients of the same names). Each step then runs to
 * its end: an action until done, an expectation until what it waits for happens or its timeout passes.
 */
export class ScenarioRunner {
  private runState: RunnerState = "idle";
  private next = 0;
  private readonly stepResults: StepResult[] = [];
  private readonly listeners = new Set<(event: ScenarioEvent) => void>();
  private observations: Observations | undefined;
  private acks = new Map<string, TrackedAck>();
  private packetFaults = new Map<string, string>();
  private abort = new AbortController();
  private pauseAsked = false;
  private busy: Promise<unknown> = Promise.resolve();
  private startedAt: number | undefined;
  private endedAt: number | undefined;
  private error: string | undefined;
  /** Each action's start, as an observation sequence: expectations look at what came after it. */
  private actionSeq = 0;
  /** Whether the last action restarted the server, so that a status from before it no longer counts. */
  private restarted = false;
  /** What the lab was before setup changed it, for reset. */
  private before: { info: LabInfo } | undefined;
  private readonly maxTotalMs: number;
  private deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly scenario: Scenario,
    private readonly options: ScenarioRunnerOptions,
  ) {
    this.maxTotalMs = Math.min(options.maxTotalMs ?? SCENARIO_LIMITS.maxTotalMs, SCENARIO_LIMITS.maxTotalMs);
  }

  get state(): RunnerState {
    return this.runState;
  }

  /** The index of the step that runs next (the cursor); `steps.length` when all have run. */
  get cursor(): number {
    return this.next;
  }

  get report(): ScenarioReport {
    const results = this.stepResults.flatMap((step) => (step.expectation && step.type !== "waitFor" ? [step.expectation] : []));
    return {
      title: this.scenario.title,
      lesson: this.scenario.lesson,
      state: this.runState,
      ...(this.error !== undefined && { error: this.error }),
      steps: [...this.stepResults],
      results,
      passed: results.filter((result) => result.passed).length,
      failed: results.filter((result) => !result.passed).length,
      ...(this.startedAt !== undefined && { startedAt: this.startedAt }),
      ...(this.endedAt !== undefined && { endedAt: this.endedAt }),
    };
  }

  /** Every event of the run, as it happens. Returns the unsubscribe. */
  on(listener: (event: ScenarioEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs the steps from the cursor to the end, or until `pause()`. Resolves with the report so far. */
  play(): Promise<ScenarioReport> {
    this.pauseAsked = false;
    return this.exclusive(async () => {
      if (!(await this.ensureSetUp())) return this.report;
      this.setState("running");
      while (this.next < this.scenario.steps.length && !this.pauseAsked && this.runState === "running") await this.runNext();
      this.settle();
      return this.report;
    });
  }

  /** Stops after the step under way; `play()` or `step()` goes on from there. */
  pause(): void {
    this.pauseAsked = true;
  }

  /** Runs the next step only (setting up first if needed). Resolves with its result, or nothing when none is left. */
  step(): Promise<StepResult | undefined> {
    return this.exclusive(async () => {
      if (!(await this.ensureSetUp())) return undefined;
      if (this.next >= this.scenario.steps.length) return undefined;
      this.setState("running");
      const result = await this.runNext();
      this.settle();
      return result;
    });
  }

  /**
   * Back to before the first step: stops any wait, removes the scenario's clients from the session, lifts
   * their faults, puts back the lab's recovery, settings and server code, and restarts its server, so the next
   * play starts from the same lab state.
   */
  async reset(): Promise<void> {
    clearTimeout(this.deadline);
    this.abort.abort();
    await this.busy.catch(() => undefined);
    return this.exclusive(async () => {
      this.abort = new AbortController();
      const { session, control } = this.options;
      const { lab } = session;
      for (const client of this.scenario.clients) {
        session.removeClient(client.name);
        await control
          .setLink(lab, client.name, { blackhole: false, offline: false, latencyMs: 0, jitterMs: 0, blockWebSocket: false })
          .catch(() => undefined);
        await control.clearPacketFaults(lab, client.name).catch(() => undefined);
      }
      const before = this.before?.info;
      if (before) {
        const defaults = Object.fromEntries(before.settings.map((setting) => [setting.name, setting.value]));
        if (Object.keys(defaults).length) await control.setSettings(lab, defaults).catch(() => undefined);
        const runsCode =
          this.scenario.server?.code !== undefined ||
          this.scenario.steps.some((step) => step.type === "runServerCode" || step.type === "restoreLessonCode");
        if (runsCode && before.serverCode !== "learner") await control.restoreLessonCode(lab).catch(() => undefined);
        const recovery = before.server.connectionStateRecovery;
        if (this.scenario.server?.recovery || this.scenario.steps.some((step) => step.type === "setRecovery")) {
          await control
            .setRecovery(
              lab,
              recovery ? { enabled: true, maxDisconnectionDuration: recovery.maxDisconnectionDuration } : { enabled: false },
            )
            .catch(() => undefined);
        }
        if (before.scaling && (this.scenario.server?.nodes || this.scenario.steps.some((step) => step.type === "configureNodes"))) {
          const { adapter, routing, recovery: nodesRecovery } = before.scaling;
          await control.configureNodes(lab, { adapter, routing, recovery: nodesRecovery }).catch(() => undefined);
        }
      }
      await control.restart(lab).catch(() => undefined);
      this.observations?.close();
      this.observations = undefined;
      this.acks = new Map();
      this.packetFaults = new Map();
      this.stepResults.length = 0;
      this.next = 0;
      this.actionSeq = 0;
      this.restarted = false;
      this.startedAt = this.endedAt = this.error = undefined;
      this.before = undefined;
      this.pauseAsked = false;
      this.setState("idle");
    });
  }

  /** Stops listening and waiting; the session and its clients stay as they are. */
  dispose(): void {
    clearTimeout(this.deadline);
    this.abort.abort();
    this.observations?.close();
    this.listeners.clear();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.busy.then(work, work);
    this.busy = run.catch(() => undefined);
    return run;
  }

  private settle(): void {
    if (this.runState !== "running") return;
    if (this.next >= this.scenario.steps.length) {
      clearTimeout(this.deadline);
      this.endedAt = Date.now();
      this.setState("done");
      this.emit({ type: "finished", at: this.endedAt, report: this.report });
    } else {
      this.setState("paused");
    }
  }

  private fail(error: string): void {
    clearTimeout(this.deadline);
    this.error = error;
    this.endedAt = Date.now();
    this.setState("failed");
    this.emit({ type: "finished", at: this.endedAt, report: this.report });
  }

  /** The time a step may still wait: its own (or the default), never past the run's deadline. */
  private allowance(asked: number | undefined): number {
    const own = asked ?? SCENARIO_LIMITS.defaultTimeoutMs;
    const left = (this.startedAt ?? Date.now()) + this.maxTotalMs - Date.now();
    return Math.max(0, Math.min(own, left));
  }

  private context(): ActionContext {
    const { session, control } = this.options;
    return {
      scenario: this.scenario,
      session,
      control,
      observations: this.observations!,
      acks: this.acks,
      packetFaults: this.packetFaults,
      timeoutMs: (asked) => this.allowance(asked),
      signal: this.abort.signal,
    };
  }

  private async ensureSetUp(): Promise<boolean> {
    if (this.runState === "failed") return false;
    if (this.runState !== "idle") return true;
    this.startedAt = Date.now();
    this.setState("setting-up");
    this.emit({ type: "setup-started", at: this.startedAt });
    const { session, control } = this.options;
    const { lab } = session;
    this.observations = new Observations(this.startedAt);
    this.observations.watchFeed(session.feed);
    this.before = { info: { ...lab, settings: lab.settings.map((setting) => ({ ...setting })) } };
    // Ends any wait under way when the run's time is up.
    this.deadline = setTimeout(() => this.abort.abort(), this.maxTotalMs);
    try {
      const server = this.scenario.server ?? {};
      // Settings first: a recovery or nodes change restarts the server, whose handlers then start with them.
      if (server.settings && Object.keys(server.settings).length) await control.setSettings(lab, server.settings);
      if (server.code !== undefined) await control.runServerCode(lab, server.code);
      if (server.recovery) await control.setRecovery(lab, server.recovery);
      if (server.nodes) await control.configureNodes(lab, server.nodes);
      const context = this.context();
      // A client the scenario connects in a step is its own too: a page's client of that name (already
      // connected, with the page's options) goes now, so the step connects the scenario's one.
      for (const client of this.scenario.clients)
        if (client.connect === false && session.client(client.name)) session.removeClient(client.name);
      const starting = this.scenario.clients.filter((client) => client.connect !== false).map((client) => addClient(context, client));
      for (const client of starting) await waitConnected(context, client, this.allowance(SETUP_CONNECT_MS));
      this.actionSeq = this.observations.now;
      this.emit({ type: "setup-done", at: Date.now(), ok: true });
      this.setState("ready");
      return true;
    } catch (error) {
      const message = `Setting up the scenario failed: ${error instanceof Error ? error.message : String(error)}`;
      this.emit({ type: "setup-done", at: Date.now(), ok: false, error: message });
      this.fail(message);
      return false;
    }
  }

  private async runNext(): Promise<StepResult> {
    const index = this.next;
    const step = this.scenario.steps[index]!;
    const startedAt = Date.now();
    this.emit({ type: "step-started", at: startedAt, index, step });
    let result: StepResult;
    const common = { index, type: step.type, ...(step.name !== undefined && { name: step.name }), startedAt };
    if (isExpectation(step) || step.type === "waitFor") {
      const expectation = step.type === "waitFor" ? step.until : step;
      const verdict = await checkExpectation(expectation, {
        observations: this.observations!,
        acks: this.acks,
        actionSeq: this.actionSeq,
        restarted: this.restarted,
        timeoutMs: this.allowance("timeoutMs" in expectation ? expectation.timeoutMs : undefined),
        signal: this.abort.signal,
      });
      const at = Date.now();
      const outcome: ExpectationResult = { ...common, passed: verdict.passed, evidence: verdict.evidence, at };
      if (step.type !== "waitFor") this.emit({ type: "expectation", at, index, step, result: outcome });
      result = {
        ...common,
        ok: verdict.passed,
        ...(step.type === "waitFor" && !verdict.passed && { error: `The wait gave up: ${verdict.evidence.summary}` }),
        expectation: outcome,
        endedAt: at,
      };
    } else {
      this.actionSeq = this.observations!.now;
      this.restarted = RESTARTING_STEPS.has(step.type);
      let error: string | undefined;
      try {
        await runAction(step as ActionStep, this.context());
      } catch (caught) {
        error = caught instanceof ActionError || caught instanceof Error ? caught.message : String(caught);
      }
      result = { ...common, ok: error === undefined, ...(error !== undefined && { error }), endedAt: Date.now() };
    }
    this.stepResults.push(result);
    this.next = index + 1;
    this.emit({ type: "step-done", at: result.endedAt, index, step, result });
    if (this.abort.signal.aborted && this.startedAt !== undefined && Date.now() - this.startedAt >= this.maxTotalMs) {
      this.fail(`The scenario ran past its ${this.maxTotalMs / 1000} s limit at step ${index + 1}.`);
    }
    return result;
  }

  private setState(state: RunnerState): void {
    if (this.runState === state) return;
    this.runState = state;
    this.emit({ type: "state", at: Date.now(), state });
  }

  private emit(event: ScenarioEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A view's bug must not stop the run.
      }
    }
  }
}
