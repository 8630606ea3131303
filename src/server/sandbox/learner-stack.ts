import { SourceMap } from "node:module";
import { LEARNER_FILE } from "./compile.js";

/** Where QuickJS says the code was: `    at name (server.js:12:5)`, one frame per line. */
const FRAME = /^\s*at (.*?) \(?server\.js:(\d+):(\d+)\)?$/;

export interface LearnerFrame {
  name: string;
  line: number;
  column: number;
}

/** The last map parsed: a learner's code may throw in every handler, and parsing its map each time costs the host. */
let parsed: { map: string; sourceMap: SourceMap } | undefined;

function sourceMapOf(map: string): SourceMap {
  if (parsed?.map !== map) parsed = { map, sourceMap: new SourceMap(JSON.parse(map) as ConstructorParameters<typeof SourceMap>[0]) };
  return parsed.sourceMap;
}

/**
 * Turns a QuickJS stack of the compiled code into the learner's own lines (source-mapped back to their
 * TypeScript), innermost first. Frames of the lab's runtime are left out: they are not the learner's code.
 */
export function learnerFrames(stack: string, map: string): LearnerFrame[] {
  const sourceMap = sourceMapOf(map);
  const frames: LearnerFrame[] = [];
  for (const text of stack.split("\n")) {
    const match = FRAME.exec(text);
    if (!match) continue;
    const entry = sourceMap.findEntry(Number(match[2]) - 1, Number(match[3]) - 1);
    if (!("originalLine" in entry)) continue;
    frames.push({ name: match[1] ?? "", line: entry.originalLine + 1, column: entry.originalColumn + 1 });
  }
  return frames;
}

/** `server.ts:12:5`, the place the learner should look. */
export function describeFrame(frame: LearnerFrame | undefined): string {
  return frame ? `${LEARNER_FILE}:${frame.line}:${frame.column}` : LEARNER_FILE;
}
