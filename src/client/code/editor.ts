/**
 * Monaco, set up for a lesson: TypeScript with socket.io-client's own types and the lesson's event map, so
 * `socket.emit("` completes the lab's event names. Loaded only when the learner opens the editor.
 */
import * as monaco from "monaco-editor/editor";
import "monaco-editor/features/register.all";
import "monaco-editor/languages/definitions/typescript/register";
import {
  getTypeScriptWorker,
  ModuleKind,
  ModuleResolutionKind,
  ScriptTarget,
  typescriptDefaults,
} from "monaco-editor/languages/features/typescript/register";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";
import TsWorker from "monaco-editor/language/typescript/ts.worker?worker";
import labGlobal from "../../lessons/lab-global.d.ts?raw";
import { originalLines } from "./source-lines.js";

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

self.MonacoEnvironment = {
  getWorker: (_id, label) => (label === "typescript" || label === "javascript" ? new TsWorker() : new EditorWorker()),
};

/** socket.io-client's declaration files and those they import, at the paths TypeScript resolves bare imports to. */
const typeFiles = import.meta.glob(
  [
    "/node_modules/socket.io-client/build/esm/**/*.d.ts",
    "/node_modules/engine.io-client/build/esm/**/*.d.ts",
    "/node_modules/socket.io-parser/build/esm/**/*.d.ts",
    "/node_modules/engine.io-parser/build/esm/**/*.d.ts",
    "/node_modules/@socket.io/component-emitter/lib/esm/*.d.ts",
  ],
  { query: "?raw", import: "default", eager: true },
) as Record<string, string>;

const PACKAGES: Record<string, string> = {
  "socket.io-client": "build/esm/index.d.ts",
  "engine.io-client": "build/esm/index.d.ts",
  "socket.io-parser": "build/esm/index.d.ts",
  "engine.io-parser": "build/esm/index.d.ts",
  "@socket.io/component-emitter": "lib/esm/index.d.ts",
};

let configured = false;
function configureTypeScript(): void {
  if (configured) return;
  configured = true;
  typescriptDefaults.setCompilerOptions({
    target: ScriptTarget.ES2020,
    module: ModuleKind.CommonJS,
    moduleResolution: ModuleResolutionKind.NodeJs,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    allowNonTsExtensions: true,
    sourceMap: true,
    lib: ["es2022", "dom"],
  });
  typescriptDefaults.setEagerModelSync(true);
  for (const [path, text] of Object.entries(typeFiles)) typescriptDefaults.addExtraLib(text, `file://${path}`);
  for (const [name, types] of Object.entries(PACKAGES)) {
    typescriptDefaults.addExtraLib(JSON.stringify({ name, types }), `file:///node_modules/${name}/package.json`);
  }
  typescriptDefaults.addExtraLib(labGlobal, "file:///lesson/lab-global.d.ts");
}

/**
 * Adds declaration files (by their path from the project root, e.g. `/node_modules/socket.io/dist/index.d.ts`)
 * and the packages they belong to, so bare imports of those packages resolve. The server editor brings its
 * own (socket.io, Node's types) this way, only when it opens.
 */
export function addTypeFiles(files: Record<string, string>, packages: Record<string, string>): void {
  configureTypeScript();
  for (const [path, text] of Object.entries(files)) typescriptDefaults.addExtraLib(text, `file://${path}`);
  for (const [name, types] of Object.entries(packages)) {
    typescriptDefaults.addExtraLib(JSON.stringify({ name, types }), `file:///node_modules/${name}/package.json`);
  }
}

export interface Compiled {
  code: string;
  /** For each compiled line, the learner's line it came from. */
  lines: (number | undefined)[];
  /** Type errors, which do not stop a run (as with `tsc`, the code is still emitted). */
  typeErrors: number;
}

export interface CodeEditor {
  readonly code: string;
  setCode(code: string): void;
  compile(): Promise<Compiled>;
  /** Underlines the line a run's error came from, with its message. */
  markRunError(line: number, message: string): void;
  clearRunErrors(): void;
  showSolution(solution: string): void;
  hideSolution(): void;
  /** Marks problems another compiler found (the lab's, for server code), each at its line and column. */
  markErrors(errors: readonly { line: number; column: number; message: string }[]): void;
  focus(): void;
  onRun(run: () => void): void;
}

/** Where an editor's files live in Monaco's one TypeScript project: each editor has its own, so they never clash. */
export interface EditorFiles {
  /** The learner's file, e.g. `file:///lesson/main.ts`. */
  uri: string;
  /** The solution's, for the diff view. */
  solutionUri: string;
  /** Files the learner's imports resolve to (URI to text), e.g. the lesson's events. */
  models: Record<string, string>;
  /** The editor's accessible name. */
  label: string;
}

const CLIENT_FILES = (events: string): EditorFiles => ({
  uri: "file:///lesson/main.ts",
  solutionUri: "file:///lesson/solution.ts",
  models: { "file:///lesson/events.ts": events },
  label: "Your code",
});

const dark = () => window.matchMedia("(prefers-color-scheme: dark)").matches;

/** Creates the editor in `host` and the solution's diff view in `diffHost` (shown on demand). */
export function createCodeEditor(
  host: HTMLElement,
  diffHost: HTMLElement,
  initial: string,
  events: string | EditorFiles,
  onChange: (code: string) => void,
): CodeEditor {
  configureTypeScript();
  const files = typeof events === "string" ? CLIENT_FILES(events) : events;
  for (const [path, text] of Object.entries(files.models)) {
    const fileUri = monaco.Uri.parse(path);
    // The other editor may have made it already, from the same lesson: keep one, with this text.
    const existing = monaco.editor.getModel(fileUri);
    if (existing) existing.setValue(text);
    else monaco.editor.createModel(text, "typescript", fileUri);
  }
  const uri = monaco.Uri.parse(files.uri);
  monaco.editor.getModel(uri)?.dispose();
  const model = monaco.editor.createModel(initial, "typescript", uri);
  const options = {
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 13,
    scrollBeyondLastLine: false,
    // Lines wrap at the editor's width: on a phone, or beside the lesson text, a long line stays readable
    // without scrolling sideways. On a wide editor nothing changes, as the lessons' lines fit.
    wordWrap: "on" as const,
    wrappingIndent: "indent" as const,
    // Monaco dims the number of the line after a final newline below the contrast a line number needs.
    renderFinalNewline: "on" as const,
    theme: dark() ? "vs-dark" : "vs",
  };
  const editor = monaco.editor.create(host, { ...options, model, ariaLabel: files.label });
  model.onDidChangeContent(() => onChange(model.getValue()));
  let diff: monaco.editor.IStandaloneDiffEditor | undefined;
  let solutionModel: monaco.editor.ITextModel | undefined;

  return {
    get code() {
      return model.getValue();
    },
    setCode(code) {
      // An edit rather than setValue: the learner can undo a reset with Ctrl+Z.
      editor.pushUndoStop();
      editor.executeEdits("reset", [{ range: model.getFullModelRange(), text: code }]);
      editor.pushUndoStop();
    },
    async compile() {
      const worker = await getTypeScriptWorker();
      const client = await worker(uri);
      const [output, syntactic, semantic] = await Promise.all([
        client.getEmitOutput(uri.toString()),
        client.getSyntacticDiagnostics(uri.toString()),
        client.getSemanticDiagnostics(uri.toString()),
      ]);
      const js = output.outputFiles.find((file) => file.name.endsWith(".js"))?.text ?? "";
      const map = output.outputFiles.find((file) => file.name.endsWith(".js.map"))?.text;
      const mappings = map ? ((JSON.parse(map) as { mappings?: string }).mappings ?? "") : "";
      return { code: js, lines: originalLines(mappings), typeErrors: syntactic.length + semantic.length };
    },
    markRunError(line, message) {
      monaco.editor.setModelMarkers(model, "run", [
        {
          severity: monaco.MarkerSeverity.Error,
          message,
          startLineNumber: line,
          endLineNumber: line,
          startColumn: 1,
          endColumn: model.getLineMaxColumn(line),
        },
      ]);
    },
    clearRunErrors() {
      monaco.editor.setModelMarkers(model, "run", []);
    },
    markErrors(errors) {
      monaco.editor.setModelMarkers(
        model,
        "run",
        errors.map(({ line: reported, column, message }) => {
          // Another compiler's count: keep it inside the text the learner sees now.
          const line = Math.min(Math.max(reported, 1), model.getLineCount());
          return {
            severity: monaco.MarkerSeverity.Error,
            message,
            startLineNumber: line,
            endLineNumber: line,
            startColumn: column,
            // To the end of the word the error starts at, or the line's end if none.
            endColumn: model.getWordAtPosition({ lineNumber: line, column })?.endColumn ?? model.getLineMaxColumn(line),
          };
        }),
      );
    },
    showSolution(solution) {
      solutionModel ??= monaco.editor.createModel(solution, "typescript", monaco.Uri.parse(files.solutionUri));
      diff ??= monaco.editor.createDiffEditor(diffHost, { ...options, readOnly: true, originalEditable: false, renderSideBySide: true });
      diff.setModel({ original: model, modified: solutionModel });
    },
    hideSolution() {
      diff?.setModel(null);
    },
    focus() {
      editor.focus();
    },
    onRun(run) {
      editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, run);
    },
  };
}
