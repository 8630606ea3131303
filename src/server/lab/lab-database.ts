import { rmSync } from "node:fs";
import { join } from "node:path";
import type { LabDatabase, SqlValue } from "../../lessons/lab-context.js";
import { claimDataFolder, sweepStaleHosts, type DataFolder } from "../database/data-folder.js";
import { DatabaseHost } from "../database/database-host.js";
import type { DatabaseLimits } from "../database/database-limits.js";
import type { ConnectionKind, ConnectionLimits, QueryOp } from "../database/database-protocol.js";

/**
 * One connection to a lab's SQLite file, as code in the host holds it: each call is a request to the
 * database process (src/server/database), answered later, so a query never runs on the host's event loop.
 * The lesson's code gets one (`lab.database()`); the learner's sandboxed code gets a sibling of it, on the
 * same file, with the sandbox's own caps and rules.
 */
export class DatabaseConnection implements LabDatabase {
  constructor(
    private readonly host: DatabaseHost,
    private readonly labId: string,
    readonly file: string,
    private readonly kind: ConnectionKind,
    private readonly limits: ConnectionLimits,
  ) {}

  private query(op: QueryOp, sql: string, params: SqlValue[]): Promise<unknown> {
    return this.host.request(this.labId, { op, file: this.file, kind: this.kind, limits: this.limits, sql: String(sql), params });
  }

  async exec(sql: string): Promise<void> {
    await this.query("exec", sql, []);
  }

  run(sql: string, ...params: SqlValue[]): Promise<{ changes: number; lastInsertRowid: number }> {
    return this.query("run", sql, params) as Promise<{ changes: number; lastInsertRowid: number }>;
  }

  get<Row = Record<string, SqlValue>>(sql: string, ...params: SqlValue[]): Promise<Row | undefined> {
    return this.query("get", sql, params) as Promise<Row | undefined>;
  }

  all<Row = Record<string, SqlValue>>(sql: string, ...params: SqlValue[]): Promise<Row[]> {
    return this.query("all", sql, params) as Promise<Row[]>;
  }

  /** Another connection to the same file, e.g. the learner's, with caps of its own (the answer cap is the host's, unless given). */
  sibling(kind: ConnectionKind, limits: Omit<ConnectionLimits, "answerBytes"> & Partial<ConnectionLimits>): DatabaseConnection {
    return new DatabaseConnection(this.host, this.labId, this.file, kind, { answerBytes: this.limits.answerBytes, ...limits });
  }

  /** Closes this connection in the database process (after the requests before it); the next query opens it again. */
  async close(): Promise<void> {
    await this.host.request(this.labId, { op: "close", file: this.file, kind: this.kind });
  }
}

/**
 * A lab's own SQLite database, in a file of its own in this host's data folder (see data-folder.ts): it
 * survives "Restart server" (the lab keeps it, not the Socket.IO server) and is deleted with the lab. The
 * file is created by the first query.
 *
 * Node's built-in node:sqlite rather than better-sqlite3: nothing to compile or download at install time,
 * so `npm install` needs no C++ toolchain and no install script.
 */
export class LabDatabaseFile {
  private opened: DatabaseConnection | undefined;

  constructor(
    private readonly host: DatabaseHost,
    private readonly dir: () => string,
    private readonly labId: string,
    private readonly limits: ConnectionLimits,
  ) {}

  /** What the lesson's code gets from `lab.database()`: the lab's caps, no other rules. */
  get connection(): DatabaseConnection {
    this.opened ??= new DatabaseConnection(this.host, this.labId, join(this.dir(), `lab-${this.labId}.sqlite`), "lesson", this.limits);
    return this.opened;
  }

  /** Closes every connection to the file, after the requests already waiting, and deletes it: a lab's data goes with the lab. */
  async purge(): Promise<void> {
    const file = this.opened?.file;
    this.opened = undefined;
    if (!file) return;
    await this.host.request(this.labId, { op: "close", file }).catch(() => undefined);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
  }
}

/**
 * Every lab database of one host: its folder in the data directory and the database process that runs
 * their queries, both started when a lab first asks. What dead hosts left is swept at start.
 */
export class LabDatabases {
  private folder: DataFolder | undefined;
  private readonly host: DatabaseHost;

  constructor(
    private readonly dataDir: string,
    private readonly limits: DatabaseLimits,
  ) {
    this.host = new DatabaseHost({
      queryMs: limits.databaseQueryMs,
      queuePerLab: limits.databaseQueuePerLab,
      queueBytesPerLab: limits.databaseQueueBytesPerLab,
      queueBytes: limits.databaseQueueBytes,
    });
    sweepStaleHosts(dataDir);
  }

  /** Bytes the labs' queries hold in the host while they wait for the database, now and at most. */
  get queued(): { bytes: number; peakBytes: number } {
    return this.host.queued;
  }

  /** This host's folder, claimed on first use: a host whose labs never touch a database leaves no trace. */
  get path(): string {
    this.folder ??= claimDataFolder(this.dataDir);
    return this.folder.path;
  }

  forLab(labId: string): LabDatabaseFile {
    return new LabDatabaseFile(this.host, () => this.path, labId, {
      rows: this.limits.labDatabaseRows,
      bytes: this.limits.labDatabaseBytes,
      answerBytes: this.limits.databaseAnswerBytes,
    });
  }

  /** Stops the database process and removes this host's folder, with every lab file still in it. */
  async close(): Promise<void> {
    await this.host.close();
    this.folder?.remove();
    this.folder = undefined;
  }
}
