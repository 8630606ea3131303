import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** The lines of one `// #region name` … `// #endregion` block of a source file, dedented. */
function region(path: string, name: string): string {
  const lines = readFileSync(path, "utf8").split("\n");
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  const end = lines.findIndex((line, i) => i > start && line.trim() === "// #endregion");
  if (start === -1 || end === -1) throw new Error(`no region ${name} in ${path}`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length));
  return body.map((line) => line.slice(indent)).join("\n");
}

describe("the Recovery lesson's code on the page", () => {
  it("shows the offset strategy's client code exactly as the lab's own clients run it", () => {
    const text = readFileSync("src/lessons/recovery/index.md", "utf8");
    expect(text).toContain("```ts\n" + region("src/lessons/recovery/server-offset.ts", "track") + "\n```");
  });

  for (const name of ["middleware", "announce"]) {
    it(`shows the lab server's ${name} code exactly as the lab runs it`, () => {
      const text = readFileSync("src/lessons/recovery/index.md", "utf8");
      expect(text).toContain("```ts\n" + region("src/lessons/recovery/server.ts", name) + "\n```");
    });
  }
});
