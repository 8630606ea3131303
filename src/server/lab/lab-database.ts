import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

/**
 * A lab's own SQLite database, in a file of its own under the data directory: it survives "Restart server"
 * (the lab keeps it, not the Socket.IO server) and is deleted with the lab. Opened only when a lesson asks.
 *
 * Node's built-in node:sqlite rather than better-sqlite3: the same synchronous API for what the lessons do
 * (a UNIQUE insert, a count), and nothing to compile or download at install time, so `npm install` needs
 * no C++ toolchain and no install script.
 */
export class LabDatabase {
  private db: DatabaseSync | undefined;
  private readonly file: string;

  constructor(
    private readonly dir: string,
    labId: string,
  ) {
    this.file = join(dir, `lab-${labId}.sqlite`);
  }

  get path(): string {
    return this.file;
  }

  /** The database, opened (and its file created) on first use. */
  open(): DatabaseSync {
    if (!this.db) {
      mkdirSync(this.dir, { recursive: true });
      this.db = new DatabaseSync(this.file);
      this.db.exec("PRAGMA journal_mode = WAL");
    }
    return this.db;
  }

  /** Closes the database and deletes its files: a lab's data goes with the lab. */
  purge(): void {
    this.db?.close();
    this.db = undefined;
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${this.file}${suffix}`, { force: true });
  }
}
