import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";

/**
 * Every SQL statement a lesson's server code runs, as it is written in its source: the lesson's own
 * server.ts and its server exercise's starter and solution. Each is a string literal that starts with
 * an SQL keyword, which is how the lessons write them.
 */
function lessonSql(): { file: string; statements: string[] }[] {
  const root = "src/lessons";
  const found: { file: string; statements: string[] }[] = [];
  for (const slug of readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    for (const name of readdirSync(join(root, slug.name)).filter((file) => /^server.*\.ts$/.test(file))) {
      const file = join(root, slug.name, name);
      const source = readFileSync(file, "utf8");
      const statements = [...source.matchAll(/(["'`])\s*((?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|WITH)\b[\s\S]*?)\1/g)].map((m) =>
        m[2]!.trim(),
      );
      if (statements.length > 0) found.push({ file, statements });
    }
  }
  return found;
}

/** The steps of a query's plan that read a whole table without an index: `SCAN messages`, not `SCAN messages USING COVERING INDEX …`. */
function plainScans(db: DatabaseSync, sql: string): string[] {
  const params = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null);
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  return plan.map((step) => step.detail).filter((detail) => detail.startsWith("SCAN ") && !/USING .*INDEX/.test(detail));
}

describe("the lessons' queries", () => {
  const files = lessonSql();

  it("are found: Retries and Recovery, and the Retries exercise, query the lab's database", () => {
    expect(files.map((entry) => entry.file).sort()).toEqual(
      expect.arrayContaining([
        "src/lessons/recovery/server.ts",
        "src/lessons/retries/server-solution.ts",
        "src/lessons/retries/server-starter.ts",
        "src/lessons/retries/server.ts",
      ]),
    );
  });

  for (const { file, statements } of files) {
    it(`${file}: no query reads a whole table without an index`, () => {
      const db = new DatabaseSync(":memory:");
      // The schema first, as the code makes it; then the plan of every query on it.
      for (const sql of statements.filter((s) => /^(CREATE|DROP)\b/i.test(s))) db.exec(sql);
      const queries = statements.filter((s) => /^(SELECT|UPDATE|DELETE|WITH)\b/i.test(s));
      expect(queries.length).toBeGreaterThan(0);
      const scans = queries.flatMap((sql) => plainScans(db, sql).map((detail) => `${detail}  <-  ${sql}`));
      db.close();
      expect(scans).toEqual([]);
    });
  }
});
