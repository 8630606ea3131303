import type { LabDatabase, SqlValue } from "../../lessons/lab-context.js";
import { DatabaseConnection } from "../lab/lab-database.js";
import type { QueryOp } from "../database/database-protocol.js";

export interface DatabaseLimits {
  databaseBytes: number;
  databaseRows: number;
}

function param(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string" || typeof value === "bigint") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Uint8Array) return value;
  throw new Error("A parameter must be a number, a string, null or bytes.");
}

/**
 * The lab's SQLite database as learner code reaches it: the same file the lesson's code uses, on a
 * connection of its own in the database process, which holds the sandbox's caps (`databaseBytes`,
 * `databaseRows`) and refuses ATTACH, PRAGMA, recursion, triggers, SELECTs in exec() and statements
 * that scan more than two tables in full (src/server/database/lab-connection.ts).
 */
export class SandboxDatabase {
  private connection: DatabaseConnection | undefined;

  constructor(
    private readonly lessonDatabase: () => LabDatabase,
    private readonly limits: DatabaseLimits,
  ) {}

  /** Opened on first use: where the lab has no database (a Scaling node), the learner's first query says so. */
  private open(): DatabaseConnection {
    if (this.connection) return this.connection;
    const lesson = this.lessonDatabase();
    if (!(lesson instanceof DatabaseConnection)) throw new Error("This lab's database is not available to learner code.");
    this.connection = lesson.sibling("sandbox", { rows: this.limits.databaseRows, bytes: this.limits.databaseBytes });
    return this.connection;
  }

  query(op: QueryOp, sql: string, params: unknown[]): Promise<unknown> {
    try {
      const connection = this.open();
      const values = params.map(param);
      if (op === "exec") return connection.exec(sql);
      return connection[op](sql, ...values);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  close(): void {
    void this.connection?.close().catch(() => undefined);
    this.connection = undefined;
  }
}
