import { constants, DatabaseSync, type StatementSync } from "node:sqlite";

export interface DatabaseLimits {
  databaseBytes: number;
  databaseRows: number;
}

/** Statements one run of learner code may hold prepared at once; the oldest is finalized past it. */
const MAX_STATEMENTS = 100;

/**
 * What learner SQL may not do: other files, settings of the connection, extensions, unbounded recursion,
 * and triggers (a trigger's queries run inside a write whose plan does not show them).
 */
const DENIED_ACTIONS = new Set([
  constants.SQLITE_ATTACH,
  constants.SQLITE_DETACH,
  constants.SQLITE_PRAGMA,
  constants.SQLITE_RECURSIVE,
  constants.SQLITE_CREATE_TRIGGER,
  constants.SQLITE_CREATE_TEMP_TRIGGER,
]);

/**
 * SQLite runs on the host's own thread and nothing can interrupt it: a cross join of a few tables of
 * `databaseRows` rows would block every lab for minutes. A statement may scan at most this many tables
 * in full (indexed lookups are free), which keeps the worst case near databaseRows².
 */
const MAX_FULL_SCANS = 2;

type Param = null | number | bigint | string | Uint8Array;

function param(value: unknown): Param {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string" || typeof value === "bigint") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Uint8Array) return value;
  throw new Error("A parameter must be a number, a string, null or bytes.");
}

/**
 * The lab's SQLite database as learner code reaches it: the same file the lesson's code uses, on a
 * connection of its own that holds the lab's limits. The file may not grow past `databaseBytes`
 * (SQLite's own `max_page_count` refuses the write), the tables may not hold more than `databaseRows`
 * rows in all (the write that would pass it is rolled back), a query returns at most `databaseRows` rows,
 * and ATTACH, PRAGMA and recursive queries are refused by an authorizer before they run.
 */
export class SandboxDatabase {
  private db: DatabaseSync | undefined;
  private readonly statements = new Map<number, StatementSync>();
  private nextId = 1;
  private executing = false;

  constructor(
    private readonly lessonDatabase: () => DatabaseSync,
    private readonly limits: DatabaseLimits,
  ) {}

  private open(): DatabaseSync {
    if (this.db) return this.db;
    const file = this.lessonDatabase().location();
    const db = new DatabaseSync(file ?? ":memory:", { enableForeignKeyConstraints: true });
    const pageSize = Number((db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size);
    db.exec(`PRAGMA max_page_count = ${Math.max(2, Math.floor(this.limits.databaseBytes / pageSize))}`);
    db.exec("PRAGMA busy_timeout = 50");
    db.enableDefensive(true);
    db.limits.length = 1024 * 1024;
    db.limits.attach = 0;
    // exec() runs statements no plan was checked for, so they may not read (SELECT); prepare() may.
    db.setAuthorizer((action) =>
      DENIED_ACTIONS.has(action) || (this.executing && action === constants.SQLITE_SELECT) ? constants.SQLITE_DENY : constants.SQLITE_OK,
    );
    this.db = db;
    return db;
  }

  exec(sql: string): null {
    const db = this.open();
    this.withinRowCap(db, () => {
      this.executing = true;
      try {
        db.exec(sql);
      } finally {
        this.executing = false;
      }
    });
    return null;
  }

  prepare(sql: string): number {
    const db = this.open();
    const statement = db.prepare(sql);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[];
    const scans = plan.filter((step) => step.detail.startsWith("SCAN")).length;
    if (scans > MAX_FULL_SCANS) {
      throw new Error(
        `A query may scan at most ${MAX_FULL_SCANS} tables in full in the lab (this one scans ${scans}): join on an indexed column.`,
      );
    }
    if (this.statements.size >= MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value as number);
    const id = this.nextId++;
    this.statements.set(id, statement);
    return id;
  }

  query(kind: "run" | "get" | "all", id: number, params: unknown[]): unknown {
    const statement = this.statements.get(id);
    if (!statement) throw new Error("This statement is no longer prepared: prepare it again.");
    const values = params.map(param);
    if (kind === "get") return statement.get(...values) ?? null;
    if (kind === "all") {
      const rows: unknown[] = [];
      for (const row of statement.iterate(...values)) {
        if (rows.length >= this.limits.databaseRows) break;
        rows.push(row);
      }
      return rows;
    }
    const db = this.open();
    const result = this.withinRowCap(db, () => statement.run(...values));
    return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
  }

  /** Runs a write inside a savepoint, and undoes it if the tables then hold more rows than the cap. */
  private withinRowCap<T>(db: DatabaseSync, write: () => T): T {
    db.exec("SAVEPOINT lab_write");
    try {
      const result = write();
      if (this.rowCount(db) > this.limits.databaseRows) {
        throw Object.assign(new Error(`The lab's database holds at most ${this.limits.databaseRows} rows: this write was undone.`), {
          code: "ERR_LAB_DATABASE_FULL",
        });
      }
      db.exec("RELEASE lab_write");
      return result;
    } catch (error) {
      // SQLITE_FULL (the bytes cap) rolls the whole transaction back itself, savepoint and all: undoing
      // it again would fail, and hide the learner's real error behind "no such savepoint".
      if (db.isTransaction) {
        db.exec("ROLLBACK TO lab_write");
        db.exec("RELEASE lab_write");
      }
      throw error;
    }
  }

  private rowCount(db: DatabaseSync): number {
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[];
    let rows = 0;
    for (const { name } of tables) {
      rows += Number((db.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n);
    }
    return rows;
  }

  close(): void {
    this.statements.clear();
    this.db?.close();
    this.db = undefined;
  }
}
