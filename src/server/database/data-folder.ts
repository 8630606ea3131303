import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A host's own folder in the data directory: `proc-<pid>-<token>`, the pid in the name so it is known the moment the folder exists. */
const FOLDER = /^proc-(\d+)-([0-9a-f]+)$/;
/** The files an older host kept at the top of the data directory, before hosts had folders. */
const LEGACY_FILE = /^lab-.+\.sqlite(-wal|-shm)?$/;
export const OWNER_FILE = "owner.json";

/** Whether a process with this pid is alive: EPERM means it is, but someone else's. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The inodes some process holds a POSIX lock on, from Linux's /proc/locks; undefined where there is none
 * (another system), and then no file may be taken for unheld.
 */
function lockedInodes(): Set<number> | undefined {
  let table: string;
  try {
    table = readFileSync("/proc/locks", "utf8");
  } catch {
    return undefined;
  }
  // "12: POSIX  ADVISORY  READ 9666 fe:00:2146348 128 128": the inode is the last part of the sixth field.
  const inodes = new Set<number>();
  for (const line of table.split("\n")) {
    const device = line
      .trim()
      .split(/\s+/)
      .find((field) => /^[0-9a-f]+:[0-9a-f]+:\d+$/.test(field));
    if (device) inodes.add(Number(device.split(":")[2]));
  }
  return inodes;
}

/**
 * Removes what dead hosts left in the data directory (a host killed with `kill -9` never cleans up), and
 * never what a live one uses, however many processes share the directory:
 * - a `proc-<pid>-<token>` folder goes when no process has that pid. A live pid keeps it, even when the pid
 *   was reused by an unrelated process: the rule errs on keeping, never on deleting.
 * - a top-level `lab-*.sqlite` file (with its -wal and -shm) is an older host's, which had no folder to
 *   say it is alive. SQLite keeps a lock on the file (and on its -shm) for as long as a connection has it
 *   open, so the file goes only when no process holds a lock on either; where locks cannot be read (not
 *   Linux), it stays.
 * Returns what it removed, for the log and the tests.
 */
export function sweepDataDir(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  const removed: string[] = [];
  const entries = readdirSync(dataDir);
  for (const name of entries) {
    const owner = FOLDER.exec(name);
    if (!owner || processAlive(Number(owner[1]))) continue;
    rmSync(join(dataDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  const legacy = entries.filter((name) => LEGACY_FILE.test(name));
  const locked = legacy.length > 0 ? lockedInodes() : undefined;
  if (!locked) return removed;
  const databases = new Set(legacy.map((name) => name.replace(/-(wal|shm)$/, "")));
  for (const database of databases) {
    const files = ["", "-wal", "-shm"].map((suffix) => join(dataDir, `${database}${suffix}`)).filter((file) => existsSync(file));
    const held = files.some((file) => {
      try {
        return locked.has(statSync(file).ino);
      } catch {
        return false;
      }
    });
    if (held) continue;
    for (const file of files) rmSync(file, { force: true });
    removed.push(database);
  }
  return removed;
}

/** Sweeps the data directory (see sweepDataDir), saying in the host's log what it removed. */
export function sweepStaleHosts(dataDir: string): void {
  const removed = sweepDataDir(dataDir);
  if (removed.length > 0) console.log(`data: removed what stopped hosts left in ${dataDir}: ${removed.join(", ")}`);
}

/** This host's folder in the data directory: made on first use, removed at a clean shutdown. */
export interface DataFolder {
  readonly path: string;
  remove(): void;
}

export function claimDataFolder(dataDir: string): DataFolder {
  const token = randomBytes(6).toString("hex");
  const path = join(dataDir, `proc-${process.pid}-${token}`);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, OWNER_FILE), `${JSON.stringify({ pid: process.pid, token, startedAt: new Date().toISOString() })}\n`);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
