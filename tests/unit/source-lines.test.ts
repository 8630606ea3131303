import ts from "typescript";
import { describe, expect, it } from "vitest";
import { originalLines } from "../../src/client/code/source-lines.js";

describe("originalLines", () => {
  it("maps each compiled line back to the TypeScript line it came from", () => {
    const source = [
      'import { io } from "socket.io-client";', // 1
      "interface Point {", // 2: erased
      "  x: number;",
      "}",
      "const p: Point = { x: 1 };", // 5
      "", // 6
      'throw new Error("here");', // 7
    ].join("\n");
    const output = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, sourceMap: true },
    });
    const map = JSON.parse(output.sourceMapText ?? "{}") as { mappings: string };
    const lines = originalLines(map.mappings);
    const compiled = output.outputText.split("\n");
    const throwAt = compiled.findIndex((line) => line.includes("throw new Error"));
    const pointAt = compiled.findIndex((line) => line.includes("const p = "));
    expect(lines[throwAt]).toBe(7);
    expect(lines[pointAt]).toBe(5);
  });

  it("leaves a compiled line with no mapping undefined", () => {
    expect(originalLines(";AAAA")).toEqual([undefined, 1]);
  });
});
