import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The contract between a lesson's server.ts and the lab that runs it. A lesson's server.ts is plain
 * Socket.IO code: `export default (io: Server<…>, lab: LabContext) => { io.on("connection", …) }`, with
 * `export const options` and `export const settings` beside it. This file imports nothing of the lab, so a
 * lesson (and, later, a learner's own server code) depends on Socket.IO, its events and these types only.
 */

/** Server options a lesson may set on its lab (`export const options`); everything else is the lab's business. */
export interface LessonServerOptions {
  pingInterval?: number;
  pingTimeout?: number;
  /** The largest message a client may send, in bytes; a lab holds it to its own cap. */
  maxHttpBufferSize?: number;
  connectionStateRecovery?: { maxDisconnectionDuration?: number; skipMiddlewares?: boolean };
}

/** Writes a line to the lab's server log, where the learner sees it. */
export type LessonLog = (message: string) => void;

/** A number the learner can change while the lab runs (`export const settings`), e.g. how long the server waits before it acks. */
export interface LessonSetting {
  label: string;
  default: number;
  min: number;
  max: number;
}

/** A plain Node HTTP handler, for lessons that compare Socket.IO with ordinary requests. */
export type LessonRoute = (req: IncomingMessage, res: ServerResponse) => void;

/** A value SQLite stores: what a query's parameter may be, and what a row's column holds. */
export type SqlValue = null | number | bigint | string | Uint8Array;

/**
 * The lab's SQLite database. Every call is a query that runs away from the server's event loop and
 * answers later, so each returns a Promise: `await db.run("INSERT …", a, b)`. A failure rejects with
 * SQLite's own error: its `message`, `code` ("ERR_SQLITE_ERROR") and `errcode` (e.g. 2067 for a UNIQUE
 * constraint), or the lab's, when a query runs too long or the database is full.
 */
export interface LabDatabase {
  /** Runs one or more statements, with no parameters and no result (e.g. CREATE TABLE). */
  exec(sql: string): Promise<void>;
  /** Runs one statement that writes: how many rows it changed, and the id of the last row it inserted. */
  run(sql: string, ...params: SqlValue[]): Promise<{ changes: number; lastInsertRowid: number }>;
  /** The first row a query returns, or undefined when it returns none. */
  get<Row = Record<string, SqlValue>>(sql: string, ...params: SqlValue[]): Promise<Row | undefined>;
  /** Every row a query returns (up to the lab's row cap). */
  all<Row = Record<string, SqlValue>>(sql: string, ...params: SqlValue[]): Promise<Row[]>;
}

/** What a lesson's handlers get besides the server: the log, and the current value of each setting. */
export interface LabContext {
  log: LessonLog;
  settings: Readonly<Record<string, number>>;
  /** The lab's SQLite database (Node's built-in `node:sqlite`, in a process of its own); it survives "Restart server". */
  database(): LabDatabase;
  /** Serves a plain HTTP GET at `<lab>/http<path>` (e.g. `/labs/<id>/http/tick`), next to the Socket.IO server. */
  get(path: `/${string}`, route: LessonRoute): void;
  /** Runs when this server stops (a restart, or the lab closing): clear timers the handlers started. */
  onClose(cleanup: () => void): void;
}

/**
 * What handlers running on one node of several (the Scaling lab) know of their place: the node's name, and
 * the lab's server log. A node keeps no database, settings or routes: the lab in front of the nodes does.
 */
export interface NodeContext {
  node: string;
  log: LessonLog;
}
