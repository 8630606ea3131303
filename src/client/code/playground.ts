/**
 * The code playground of one lesson, loaded when the learner opens it: Monaco, the sandbox that runs the
 * code as the lab client "Code", its console, and the exercise judged from the lab's server log.
 */
import builtWorkerUrl from "./sandbox-worker.ts?worker&url";
import type { LabInfo } from "../../shared/lab-api.js";
import type { LabFeed } from "../lab-feed.js";
import { decodeEnginePacket, decodeFrame, summarize } from "../../shared/frame-decoder.js";
import type { Exercise, Verdict } from "../../shared/exercise.js";
import { labControl } from "../lab-control.js";
import { markExercisePassed } from "../progress.js";
import type { Timeline } from "../timeline/timeline.js";
import { DEV_SANDBOX_WORKER_PATH } from "./sandbox-protocol.js";

const workerUrl = import.meta.env.DEV ? DEV_SANDBOX_WORKER_PATH : builtWorkerUrl;
// Before the editor: the chunk the two editors share is named for its last module, and "editor" says what it holds.
import { loadCode, saveCode } from "./saved-code.js";
import { createCodeEditor, type CodeEditor } from "./editor.js";
import { ExerciseRun } from "./exercise-run.js";
import { Sandbox } from "./sandbox.js";
import type { RunMessage } from "./sandbox.js";
import type { ConsoleLevel, ConsoleLine } from "./sandbox-protocol.js";
import { FLUSH_MS, LINES_PER_FLUSH, MARKED_ERRORS_MAX } from "./run-limits.js";
import { part } from "../ui/dom.js";

/** A run that goes on longer than this is stopped, with a message saying so. */
export const RUN_LIMIT_MS = 60_000;

export interface PlaygroundContext {
  lab: LabInfo;
  slug: string;
  timeline: Timeline;
  /** The lab's server log, judged from the moment a run starts. */
  feed: LabFeed;
  /** Told when the run client's link changed (a run's faults, or their reset): the network buttons re-read it. */
  onLinkChanged?(): void;
}

const raw = (pattern: Record<string, () => Promise<unknown>>, slug: string, file: string) =>
  pattern[`../../lessons/${slug}/${file}`]?.() as Promise<string> | undefined;
const starters = import.meta.glob("../../lessons/*/starter.ts", { query: "?raw", import: "default" });
const solutions = import.meta.glob("../../lessons/*/solution.ts", { query: "?raw", import: "default" });
const eventMaps = import.meta.glob("../../lessons/*/events.ts", { query: "?raw", import: "default" });
const exercises = import.meta.glob("../../lessons/*/exercise.ts", { import: "exercise" });

function consoleItem(level: string, text: string): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.level = level;
  item.textContent = text;
  return item;
}

export async function openPlayground(root: HTMLElement, context: PlaygroundContext): Promise<void> {
  const { lab, slug, timeline } = context;
  const [starter, solution, events, exercise] = await Promise.all([
    raw(starters, slug, "starter.ts"),
    raw(solutions, slug, "solution.ts"),
    raw(eventMaps, slug, "events.ts"),
    exercises[`../../lessons/${slug}/exercise.ts`]?.() as Promise<Exercise> | undefined,
  ]);
  if (starter === undefined || solution === undefined || events === undefined || exercise === undefined) {
    throw new Error(`This lesson has no code exercise yet.`);
  }

  const area = part<HTMLElement>(root, ".editor-area");
  const output = part<HTMLOListElement>(root, ".run-console");
  const status = part<HTMLElement>(root, ".run-status");
  const verdictLine = part<HTMLElement>(root, ".verdict");
  const evidenceList = part<HTMLUListElement>(root, ".evidence");
  const runButton = part<HTMLButtonElement>(root, ".run-code");
  const stopButton = part<HTMLButtonElement>(root, ".stop-code");
  const resetButton = part<HTMLButtonElement>(root, ".reset-code");
  const solutionButton = part<HTMLButtonElement>(root, ".show-solution");
  const diffHost = part<HTMLElement>(root, ".solution-host");
  const saveNote = part<HTMLElement>(root, ".save-note");
  area.hidden = false;

  const editor: CodeEditor = createCodeEditor(part(root, ".editor-host"), diffHost, loadCode(slug) ?? starter, String(events), (code) => {
    saveNote.textContent = saveCode(slug, code) ? "" : "Your code is too long to keep in this browser; it will not survive a reload.";
  });

  /**
   * Adds lines to the console at once: one append, one trim, one scroll. Reading scrollHeight forces a
   * layout, and doing that per line (a thousand a second in a flood) starved the page's input on a busy
   * machine: a click on Stop went unanswered for 30 s.
   */
  const printLines = (lines: readonly ConsoleLine[]) => {
    if (lines.length === 0) return;
    output.append(...lines.slice(-500).map((line) => consoleItem(line.level, line.text)));
    const extra = output.childElementCount - 500;
    for (let i = 0; i < extra; i++) output.firstElementChild?.remove();
    output.scrollTop = output.scrollHeight;
  };
  const print = (level: ConsoleLevel, ...texts: string[]) => printLines(texts.map((text) => ({ level, text })));
  let shownVerdict = "";
  const showVerdict = (verdict: Verdict, final: boolean) => {
    const state = verdict.pass ? "pass" : final ? "fail" : "pending";
    const text = verdict.pass
      ? "Exercise passed: the lab saw it happen."
      : final
        ? "Exercise not passed this run."
        : "Exercise: watching what the lab sees…";
    if (verdict.pass) markExercisePassed(slug);
    // Every log entry re-judges: redraw (and so re-announce) only when something changed.
    const key = `${state}\n${text}\n${verdict.evidence.join("\n")}`;
    if (key === shownVerdict) return;
    shownVerdict = key;
    verdictLine.dataset.state = state;
    verdictLine.textContent = text;
    evidenceList.replaceChildren(
      ...verdict.evidence.map((line) => {
        const item = document.createElement("li");
        item.textContent = line;
        return item;
      }),
    );
  };

  /** The run in progress, if any: each has its own number, so a late step of an old run changes nothing. */
  let current:
    | { id: number; sandbox?: Sandbox; judged?: ExerciseRun; stopLog?: () => void; limit?: ReturnType<typeof setTimeout>; ticket?: string }
    | undefined;
  let runs = 0;

  const stop = (why: string) => {
    const run = current;
    if (!run) return;
    // The judge gives its final word while this run is still the current one, so it is shown.
    run.judged?.finish();
    current = undefined;
    run.sandbox?.stop();
    clearTimeout(run.limit);
    run.stopLog?.();
    if (run.ticket) void labControl.endRun(lab, run.ticket).catch(() => undefined);
    status.textContent = why;
    const hadFocus = document.activeElement === stopButton;
    runButton.disabled = false;
    stopButton.disabled = true;
    if (hadFocus) runButton.focus();
  };

  const run = async () => {
    // Ctrl+Enter can arrive while a run is starting: one at a time.
    if (current && !current.sandbox) return;
    stop("Stopped: a new run started.");
    const id = ++runs;
    current = { id };
    const isCurrent = () => current?.id === id;
    const hadFocus = document.activeElement === runButton;
    runButton.disabled = true;
    output.replaceChildren();
    editor.clearRunErrors();
    status.textContent = "Compiling…";
    try {
      const [compiled, ticket] = await Promise.all([editor.compile(), labControl.runTicket(lab)]);
      if (!isCurrent() || !current) {
        void labControl.endRun(lab, ticket.ticket).catch(() => undefined);
        return;
      }
      const state = current;
      state.ticket = ticket.ticket;
      if (compiled.typeErrors > 0) {
        print(
          "warn",
          `${compiled.typeErrors} type error${compiled.typeErrors === 1 ? "" : "s"} (underlined): running anyway, as JavaScript would.`,
        );
      }
      const judged = new ExerciseRun(exercise, {
        setLink: async (change) => {
          const answer = await labControl.setLink(lab, ticket.client, change);
          context.onLinkChanged?.();
          return answer;
        },
        drop: () => labControl.drop(lab, ticket.client),
        onVerdict: (verdict, final) => isCurrent() && showVerdict(verdict, final),
      });
      state.judged = judged;
      await judged.start();
      if (!isCurrent()) return;
      context.onLinkChanged?.();
      state.stopLog = context.feed.on("entry", (entry) => judged.add(entry));
      let marked = 0;
      const onMessage = (message: RunMessage) => {
        switch (message.type) {
          case "console": {
            // Whatever their levels, a message's lines go in one append.
            printLines(message.lines);
            if (message.dropped) {
              print(
                "warn",
                `… ${message.dropped} more lines not shown (at most ${LINES_PER_FLUSH * (1000 / FLUSH_MS)} lines a second reach the console).`,
              );
            }
            return;
          }
          case "error": {
            const line = message.line === undefined ? undefined : compiled.lines[message.line - 1];
            if (message.message) print("error", line === undefined ? message.message : `Line ${line}: ${message.message}`);
            if (line !== undefined && marked < MARKED_ERRORS_MAX) {
              marked += 1;
              editor.markRunError(line, message.message);
            }
            if (message.dropped) print("error", `… ${message.dropped} more errors not shown.`);
            return;
          }
          case "wire": {
            for (const packet of message.packets) {
              // Binary data comes as its size only (sandbox-worker.ts).
              const frame =
                packet.bytes === undefined
                  ? decodeEnginePacket(packet.packetType, packet.data)
                  : decodeFrame(`<binary frame, ${packet.bytes} bytes>`);
              const heartbeat = frame.engine === "ping" || frame.engine === "pong";
              timeline.add({
                at: packet.at,
                lane: ticket.client,
                direction: packet.direction,
                frame,
                summary: summarize(frame),
                ...(heartbeat ? { heartbeat: !frame.probe } : {}),
              });
            }
            if (message.dropped) print("warn", `… ${message.dropped} packets not shown in the timeline (the run sent more than it shows).`);
            return;
          }
        }
      };
      const runLab = { url: location.origin, options: { path: lab.path, query: { client: ticket.client, ticket: ticket.ticket } } };
      state.sandbox = new Sandbox(
        root,
        { type: "run", code: compiled.code, lab: runLab },
        {
          workerUrl,
          labPrefix: `${lab.path.replace(/socket\.io$/, "")}`,
          onMessage,
          onFailure: (reason) => {
            if (!isCurrent()) return;
            print("error", reason);
            stop(reason);
          },
        },
      );
      // Run stays available while the code runs: pressing it again restarts the program, as Ctrl+Enter does.
      runButton.disabled = false;
      stopButton.disabled = false;
      if (hadFocus) runButton.focus();
      status.textContent = `Running as the lab client "${ticket.client}". Run restarts it, Stop ends it; after ${RUN_LIMIT_MS / 1000} s it stops by itself.`;
      state.limit = setTimeout(() => isCurrent() && stop(`Stopped: the run reached its ${RUN_LIMIT_MS / 1000} s limit.`), RUN_LIMIT_MS);
    } catch (error) {
      if (!isCurrent()) return;
      current = undefined;
      status.textContent = `The run could not start: ${error instanceof Error ? error.message : String(error)}`;
      runButton.disabled = false;
      if (hadFocus) runButton.focus();
    }
  };

  editor.onRun(() => void run());
  runButton.addEventListener("click", () => void run());
  stopButton.addEventListener("click", () => stop("Stopped."));
  resetButton.addEventListener("click", () => {
    editor.setCode(starter);
    editor.focus();
  });
  const useButton = part<HTMLButtonElement>(root, ".use-solution");
  // The solution replaces the learner's code as one edit, so Ctrl+Z brings their own back.
  useButton.addEventListener("click", () => {
    editor.setCode(solution);
    editor.focus();
    status.textContent = "The solution is in the editor (Ctrl+Z undoes that): press Run.";
  });
  solutionButton.addEventListener("click", () => {
    const showing = solutionButton.getAttribute("aria-pressed") === "true";
    solutionButton.setAttribute("aria-pressed", String(!showing));
    diffHost.hidden = showing;
    useButton.hidden = showing;
    if (showing) editor.hideSolution();
    else editor.showSolution(solution);
  });
  runButton.disabled = false;
  resetButton.disabled = false;
  solutionButton.disabled = false;
  editor.focus();
}
