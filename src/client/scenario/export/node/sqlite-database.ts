import type { LabDatabase, SqlValue } from "../../../../lessons/lab-context.js";

/**
 * The lab database for a script: Node's built-in `node:sqlite`, in memory, in this process. The lab runs its
 * queries in a process of its own; here each call still answers with a Promise, so handlers read the same.
 * Loaded only when a lesson asks for its database, so a script of another lesson never touches it.
 */
async function openDatabase(): Promise<LabDatabase> {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(":memory:");
  const answer = <T>(work: () => T) =>
    new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(work());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
  return {
    exec: (sql) => answer(() => void db.exec(sql)),
    run: (sql, ...params) =>
      answer(() => {
        const { changes, lastInsertRowid } = db.prepare(sql).run(...(params as SqlValue[] & []));
        return { changes: Number(changes), lastInsertRowid: Number(lastInsertRowid) };
      }),
    get: <Row>(sql: string, ...params: SqlValue[]) => answer(() => db.prepare(sql).get(...(params as [])) as Row | undefined),
    all: <Row>(sql: string, ...params: SqlValue[]) => answer(() => db.prepare(sql).all(...(params as [])) as Row[]),
  };
}

/** The database as a lesson's `database()` gives it: opened at the first query, then the same one for good. */
export function lazyDatabase(): () => LabDatabase {
  let opened: Promise<LabDatabase> | undefined;
  const db = () => (opened ??= openDatabase());
  const lazy: LabDatabase = {
    exec: async (sql) => (await db()).exec(sql),
    run: async (sql, ...params) => (await db()).run(sql, ...params),
    get: async <Row>(sql: string, ...params: SqlValue[]) => (await db()).get<Row>(sql, ...params),
    all: async <Row>(sql: string, ...params: SqlValue[]) => (await db()).all<Row>(sql, ...params),
  };
  return () => lazy;
}
