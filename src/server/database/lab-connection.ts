// Runs in the database process only (see database-process.ts): it imports nothing but node:sqlite and
// types, so Node can run it from source with its own type stripping, and it uses no TypeScript syntax
// that stripping cannot erase.
import { constants, DatabaseSync, type StatementSync } from "node:sqlite";
import type { ConnectionKind, ConnectionLimits, QueryOp, SqlValue } from "./database-protocol.ts";

/** Statements a connection keeps prepared, by their SQL; the oldest is finalized past it. */
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
 * A learner statement may scan at most this many tables in full (indexed lookups are free): the worst case
 * stays near rows², well inside the query time limit, so the limit stays the rare backstop it is meant to be.
 */
const MAX_FULL_SCANS = 2;

export class DatabaseFullError extends Error {
  code = "ERR_LAB_DATABASE_FULL";
}

export class DatabaseAnswerTooLargeError extends Error {
  code = "ERR_LAB_DATABASE_ANSWER_TOO_LARGE";
}

/** What a row costs the host to receive and pass on: the characters of its texts, the bytes of its blobs, 8 for any other value. */
function rowBytes(row: unknown): number {
  if (!row || typeof row !== "object") return 8;
  let bytes = 0;
  for (const value of Object.values(row)) {
    if (typeof value === "string") bytes += value.length;
    else if (value instanceof Uint8Array) bytes += value.byteLength;
    else bytes += 8;
  }
  return bytes;
}

/**
 * One connection to a lab's SQLite file, holding the lab's caps: the file may not grow past `limits.bytes`
 * (SQLite's own `max_page_count` refuses the write with SQLITE_FULL), the tables may not hold more than
 * `limits.rows` rows in all (the write that would pass it is undone), and a query returns at most
 * `limits.rows` rows. A sandbox connection (the learner's code) also refuses ATTACH, PRAGMA, recursion and
 * triggers with an authorizer, SELECTs inside exec() (no plan was checked for them), and statements that
 * scan more than MAX_FULL_SCANS tables in full.
 */
export class LabConnection {
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private readonly limits: ConnectionLimits;
  private readonly sandboxed: boolean;
  private executing = false;

  constructor(file: string, kind: ConnectionKind, limits: ConnectionLimits) {
    this.limits = limits;
    this.sandboxed = kind === "sandbox";
    const db = new DatabaseSync(file, { enableForeignKeyConstraints: true });
    this.db = db;
    db.exec("PRAGMA journal_mode = WAL");
    // A lab's data is for the lesson, not for keeps: a commit need not wait for the disk (an fsync each
    // would cost a flood of small writes milliseconds apiece). WAL keeps the file whole either way.
    db.exec("PRAGMA synchronous = NORMAL");
    // One process runs every query, one at a time, so a lock is only ever held by a killed query's
    // connection, which the kill released: waiting for one would be waiting for nothing.
    db.exec("PRAGMA busy_timeout = 50");
    const pageSize = Number((db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size);
    const maxPages = Math.max(2, Math.floor(limits.bytes / pageSize));
    db.exec(`PRAGMA max_page_count = ${maxPages}`);
    // max_page_count holds the database file; the WAL beside it grows until a checkpoint copies it back.
    // Checkpoint at most every cap's worth of pages, and cut the WAL back to the cap after it, so the
    // files on disk stay within a few times the cap, however many writes come.
    db.exec(`PRAGMA wal_autocheckpoint = ${Math.min(1000, maxPages)}`);
    db.exec(`PRAGMA journal_size_limit = ${limits.bytes}`);
    db.limits.length = 1024 * 1024;
    db.limits.attach = 0;
    if (this.sandboxed) {
      db.enableDefensive(true);
      db.setAuthorizer((action) =>
        DENIED_ACTIONS.has(action) || (this.executing && action === constants.SQLITE_SELECT) ? constants.SQLITE_DENY : constants.SQLITE_OK,
      );
    }
  }

  query(op: QueryOp, sql: string, params: SqlValue[]): unknown {
    if (op === "exec") {
      this.withinRowCap(() => {
        this.executing = true;
        try {
          this.db.exec(sql);
        } finally {
          this.executing = false;
        }
      });
      return undefined;
    }
    const statement = this.prepare(sql);
    if (op === "get") {
      const row = statement.get(...params);
      if (row !== undefined) this.withinAnswerCap(rowBytes(row));
      return row;
    }
    if (op === "all") {
      const rows: unknown[] = [];
      let bytes = 0;
      for (const row of statement.iterate(...params)) {
        if (rows.length >= this.limits.rows) break;
        bytes += rowBytes(row);
        this.withinAnswerCap(bytes);
        rows.push(row);
      }
      return rows;
    }
    const result = this.withinRowCap(() => statement.run(...params));
    return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
  }

  /**
   * An answer past the cap is refused, not cut short: the caller would take a shortened list for the whole
   * one. The cap is what the host must decode from the process, and what the lab's code then sends on:
   * fifty 60 KB rows ten times a second is 30 MB/s through the host's event loop and heap.
   */
  private withinAnswerCap(bytes: number): void {
    if (bytes <= this.limits.answerBytes) return;
    throw new DatabaseAnswerTooLargeError(
      `This query's answer holds more than ${this.limits.answerBytes} bytes, the most one query may return in the lab: select fewer rows or shorter columns.`,
    );
  }

  private prepare(sql: string): StatementSync {
    const known = this.statements.get(sql);
    if (known) return known;
    const statement = this.db.prepare(sql);
    if (this.sandboxed) {
      const plan = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[];
      const scans = plan.filter((step) => step.detail.startsWith("SCAN")).length;
      if (scans > MAX_FULL_SCANS) {
        throw new Error(
          `A query may scan at most ${MAX_FULL_SCANS} tables in full in the lab (this one scans ${scans}): join on an indexed column.`,
        );
      }
    }
    if (this.statements.size >= MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value as string);
    this.statements.set(sql, statement);
    return statement;
  }

  /** Runs a write inside a savepoint, and undoes it if the tables then hold more rows than the cap. */
  private withinRowCap<T>(write: () => T): T {
    const db = this.db;
    db.exec("SAVEPOINT lab_write");
    try {
      const result = write();
      if (this.rowCount() > this.limits.rows) {
        throw new DatabaseFullError(`The lab's database holds at most ${this.limits.rows} rows: this write was undone.`);
      }
      db.exec("RELEASE lab_write");
      return result;
    } catch (error) {
      // SQLITE_FULL (the bytes cap) rolls the whole transaction back itself, savepoint and all: undoing
      // it again would fail, and hide the real error behind "no such savepoint".
      if (db.isTransaction) {
        db.exec("ROLLBACK TO lab_write");
        db.exec("RELEASE lab_write");
      }
      throw error;
    }
  }

  private rowCount(): number {
    const tables = this.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[];
    let rows = 0;
    for (const { name } of tables) {
      rows += Number((this.db.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n);
    }
    return rows;
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }
}
