/**
 * The server editor of one lesson, loaded when the learner presses "Edit server code": Monaco on the
 * lesson's server.ts (or the learner's saved version), typed with socket.io's and Node's own types, and the
 * buttons that put it on the lab, take it back off, and check a server exercise.
 */
import type { Verdict } from "../../shared/exercise.js";
import type { ServerExercise } from "../../shared/server-exercise.js";
import type { LabFeed } from "../lab-feed.js";
import type { LabInfo } from "../../shared/lab-api.js";
import type { ServerCodeState } from "../ui/server-code-view.js";
import { part } from "../ui/dom.js";
// Before the editor: the chunk the two editors share is named for its last module, and "editor" says what it holds.
import { loadServerCode, saveServerCode } from "./saved-code.js";
import { addTypeFiles, createCodeEditor, type CodeEditor } from "./editor.js";
import { createExerciseLab } from "./exercise-lab.js";
import { markServerExercisePassed } from "../progress.js";
import { describeCompileErrors, restoreLessonCode, runServerCode } from "./server-code.js";
import { SERVER_TYPE_FILES, SERVER_TYPE_PACKAGES } from "./server-types.js";

export interface ServerEditorContext {
  lab: LabInfo;
  slug: string;
  feed: LabFeed;
  state: ServerCodeState;
}

type Raw = Record<string, () => Promise<unknown>>;
const text = (files: Raw, slug: string, file: string) => files[`../../lessons/${slug}/${file}`]?.() as Promise<string> | undefined;
const servers = import.meta.glob("../../lessons/*/server.ts", { query: "?raw", import: "default" });
const eventMaps = import.meta.glob("../../lessons/*/events.ts", { query: "?raw", import: "default" });
const starters = import.meta.glob("../../lessons/*/server-starter.ts", { query: "?raw", import: "default" });
const solutions = import.meta.glob("../../lessons/*/server-solution.ts", { query: "?raw", import: "default" });
const exercises = import.meta.glob<{ serverExercise?: ServerExercise }>("../../lessons/*/server-exercise.ts");

export async function openServerEditor(root: HTMLElement, context: ServerEditorContext): Promise<void> {
  const { lab, slug, feed, state } = context;
  const [lesson, events, starter, solution, exerciseModule] = await Promise.all([
    text(servers, slug, "server.ts"),
    text(eventMaps, slug, "events.ts"),
    text(starters, slug, "server-starter.ts"),
    text(solutions, slug, "server-solution.ts"),
    exercises[`../../lessons/${slug}/server-exercise.ts`]?.(),
  ]);
  if (lesson === undefined) throw new Error("This lesson has no server code.");
  const exercise = exerciseModule?.serverExercise;

  const area = part<HTMLElement>(root, ".server-editor-area");
  const status = part<HTMLElement>(root, ".server-status");
  const notesList = part<HTMLUListElement>(root, ".server-notes");
  const runButton = part<HTMLButtonElement>(root, ".run-server");
  const restoreButton = part<HTMLButtonElement>(root, ".restore-lesson");
  const resetButton = part<HTMLButtonElement>(root, ".reset-server");
  const saveNote = part<HTMLElement>(root, ".server-save-note");
  const diffHost = part<HTMLElement>(root, ".server-solution-host");
  area.hidden = false;

  addTypeFiles(SERVER_TYPE_FILES, SERVER_TYPE_PACKAGES);
  const editor: CodeEditor = createCodeEditor(
    part(root, ".server-editor-host"),
    diffHost,
    loadServerCode(slug) ?? lesson,
    {
      // Paths of their own: the client editor's file is /lesson/main.ts, and both share Monaco's one project.
      uri: "file:///lesson/server.ts",
      solutionUri: "file:///lesson/server-solution.ts",
      models: events === undefined ? {} : { "file:///lesson/events.ts": events },
      label: "Your server code",
    },
    (code) => {
      saveNote.textContent = saveServerCode(slug, code)
        ? ""
        : "Your server code is too long to keep in this browser; it will not survive a reload.";
    },
  );

  const showNotes = (notes: readonly string[]) => {
    notesList.replaceChildren(
      ...notes.map((note) => {
        const item = document.createElement("li");
        item.textContent = note;
        return item;
      }),
    );
  };

  /** One action at a time: each restarts the lab's server, and two at once would race. */
  let busy = false;
  const buttons = () => [runButton, restoreButton, ...root.querySelectorAll<HTMLButtonElement>(".check-server")];
  /** "Back to the lesson's code" has nothing to undo while the lab runs the lesson's code. */
  const enable = () => {
    for (const button of buttons()) button.disabled = busy;
    restoreButton.disabled = busy || state.source === "lesson";
  };
  state.onChange(enable);
  const act = async (work: () => Promise<void>) => {
    if (busy) return;
    busy = true;
    // A disabled button drops the focus to the page: give it back afterwards, so the keyboard stays where it was.
    const focused = document.activeElement instanceof HTMLButtonElement ? document.activeElement : undefined;
    enable();
    try {
      await work();
    } catch (error) {
      status.textContent = `The lab did not answer as expected: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      busy = false;
      enable();
      if (focused && (document.activeElement === document.body || document.activeElement === null)) {
        (focused.disabled ? runButton : focused).focus();
      }
    }
  };

  /** Puts the editor's code on the lab; true when it runs there now. */
  const run = async (): Promise<boolean> => {
    editor.clearRunErrors();
    showNotes([]);
    status.textContent = "Starting your server code on your lab…";
    const result = await runServerCode(lab, editor.code);
    if (!result.ok) {
      if (result.code === "compile_error" && "errors" in result) {
        editor.markErrors(result.errors);
        status.textContent = describeCompileErrors(result.errors);
      } else {
        status.textContent = `Your server code did not start: ${result.message}`;
      }
      return false;
    }
    // The lab restarted its server: the page's clients reconnect by themselves, as after "Restart server".
    state.set("learner");
    showNotes(result.notes.map((note) => `The lab changed an option: ${note}`));
    status.textContent =
      result.notes.length > 0
        ? "Running your server code, with the options below held to the lab's limits. The clients reconnect to it."
        : "Running your server code. The clients reconnect to it.";
    return true;
  };

  editor.onRun(() => void act(async () => void (await run())));
  runButton.addEventListener("click", () => void act(async () => void (await run())));
  restoreButton.addEventListener(
    "click",
    () =>
      void act(async () => {
        status.textContent = "Putting the lesson's code back on your lab…";
        await restoreLessonCode(lab);
        editor.clearRunErrors();
        showNotes([]);
        state.set("lesson");
        status.textContent = "Back to the lesson's code: the clients reconnect to it. Your code stays in the editor.";
      }),
  );
  resetButton.addEventListener("click", () => {
    // An edit, so Ctrl+Z brings the learner's text back.
    editor.setCode(lesson);
    editor.focus();
    status.textContent = "The editor has the lesson's code again (Ctrl+Z undoes that). Your lab runs what it ran before.";
  });

  // A lesson whose own server.ts is the answer (why-websocket pushes its counter) keeps no copy of it.
  const answer = solution ?? lesson;
  if (exercise) mountExercise(root, { slug, editor, exercise, starter, solution: answer, diffHost, status, act, run, lab, feed });
  resetButton.disabled = false;
  enable();
  editor.focus();
}

interface ExerciseParts {
  slug: string;
  editor: CodeEditor;
  exercise: ServerExercise;
  starter: string | undefined;
  solution: string | undefined;
  diffHost: HTMLElement;
  status: HTMLElement;
  act(work: () => Promise<void>): Promise<void>;
  run(): Promise<boolean>;
  lab: LabInfo;
  feed: LabFeed;
}

/** "Start the exercise", "Check my server" and "Show solution", for a lesson with a server exercise. */
function mountExercise(root: HTMLElement, parts: ExerciseParts): void {
  const { slug, editor, exercise, starter, solution, diffHost, status, act, run, lab, feed } = parts;
  const startButton = part<HTMLButtonElement>(root, ".start-exercise");
  const checkButton = part<HTMLButtonElement>(root, ".check-server");
  const solutionButton = part<HTMLButtonElement>(root, ".show-server-solution");
  const verdictLine = part<HTMLElement>(root, ".server-verdict");
  const evidenceList = part<HTMLUListElement>(root, ".server-evidence");

  const showVerdict = (verdict: Verdict) => {
    verdictLine.dataset.state = verdict.pass ? "pass" : "fail";
    verdictLine.textContent = verdict.pass ? "Exercise passed: your server did it." : "Exercise not passed yet.";
    evidenceList.replaceChildren(
      ...verdict.evidence.map((line) => {
        const item = document.createElement("li");
        item.textContent = line;
        return item;
      }),
    );
  };

  startButton.disabled = starter === undefined;
  startButton.addEventListener("click", () => {
    if (starter === undefined) return;
    editor.setCode(starter);
    editor.focus();
    status.textContent = "The exercise's starting code is in the editor (Ctrl+Z undoes that).";
  });
  checkButton.disabled = false;
  checkButton.addEventListener(
    "click",
    () =>
      void act(async () => {
        verdictLine.textContent = "";
        evidenceList.replaceChildren();
        if (!(await run())) return;
        status.textContent = "Checking your server with clients of the exercise's own…";
        const exerciseLab = createExerciseLab(lab, feed, location.origin);
        try {
          const verdict = await exercise.check(exerciseLab);
          showVerdict(verdict);
          if (verdict.pass) markServerExercisePassed(slug);
          status.textContent = "Checked: the verdict and what decided it are below.";
        } finally {
          exerciseLab.close();
        }
      }),
  );
  const useButton = part<HTMLButtonElement>(root, ".use-server-solution");
  solutionButton.disabled = solution === undefined;
  solutionButton.addEventListener("click", () => {
    if (solution === undefined) return;
    const showing = solutionButton.getAttribute("aria-pressed") === "true";
    solutionButton.setAttribute("aria-pressed", String(!showing));
    diffHost.hidden = showing;
    useButton.hidden = showing;
    if (showing) editor.hideSolution();
    else editor.showSolution(solution);
  });
  // The solution replaces the learner's code as one edit, so Ctrl+Z brings their own back.
  useButton.addEventListener("click", () => {
    if (solution === undefined) return;
    editor.setCode(solution);
    editor.focus();
    status.textContent = "The solution is in the editor (Ctrl+Z undoes that): run it on your lab.";
  });
}
