import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { claimDataFolder, OWNER_FILE, sweepDataDir } from "../../src/server/database/data-folder.js";
import { LabDatabases } from "../../src/server/lab/lab-database.js";
import { defaultLimits } from "../../src/server/config.js";

/** The pid of a process that has exited: what a host killed with `kill -9` leaves behind in its folder's name. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

function hostFolder(dataDir: string, pid: number, token: string): string {
  const folder = join(dataDir, `proc-${pid}-${token}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, OWNER_FILE), JSON.stringify({ pid, token }));
  for (const suffix of ["", "-wal", "-shm"]) writeFileSync(join(folder, `lab-x.sqlite${suffix}`), "data");
  return folder;
}

describe("the data directory, shared by several host processes", () => {
  it("loses the folder of a host that died, and keeps the folder of one alive", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "playground-sweep-"));
    const dead = hostFolder(dataDir, await deadPid(), "0a1b2c");
    const alive = hostFolder(dataDir, process.pid, "3d4e5f");
    expect(sweepDataDir(dataDir)).toEqual([dead.split("/").at(-1)]);
    expect(existsSync(dead)).toBe(false);
    expect(readdirSync(alive).sort()).toEqual(["lab-x.sqlite", "lab-x.sqlite-shm", "lab-x.sqlite-wal", OWNER_FILE]);
  });

  it("removes an older host's top-level files only when no process holds them open", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "playground-sweep-"));
    // Left by a host killed mid-run: a WAL database nobody has open any more.
    const left = new DatabaseSync(join(dataDir, "lab-left.sqlite"));
    left.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (v); INSERT INTO t VALUES (1)");
    writeFileSync(join(dataDir, "lab-left.sqlite-wal"), "unfinished");
    left.close();
    // Open in a live host of the older kind: SQLite holds its locks.
    const held = new DatabaseSync(join(dataDir, "lab-held.sqlite"));
    held.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (v); INSERT INTO t VALUES (1)");
    writeFileSync(join(dataDir, "notes.txt"), "not a lab's");
    try {
      expect(sweepDataDir(dataDir)).toEqual(process.platform === "linux" ? ["lab-left.sqlite"] : []);
      const kept = readdirSync(dataDir).sort();
      expect(kept).toContain("lab-held.sqlite");
      expect(kept).toContain("lab-held.sqlite-wal");
      expect(kept).toContain("notes.txt");
      if (process.platform === "linux") expect(kept.filter((name) => name.startsWith("lab-left"))).toEqual([]);
    } finally {
      held.close();
    }
  });

  it("claims a folder of this process's own, named with its pid and owned by it", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "playground-sweep-"));
    const folder = claimDataFolder(dataDir);
    expect(folder.path).toMatch(new RegExp(`proc-${process.pid}-[0-9a-f]{12}$`));
    const owner = JSON.parse(readFileSync(join(folder.path, OWNER_FILE), "utf8")) as { pid: number; token: string };
    expect(owner.pid).toBe(process.pid);
    expect(folder.path.endsWith(owner.token)).toBe(true);
    folder.remove();
    expect(existsSync(folder.path)).toBe(false);
  });

  it("a host sweeps at start; its lab databases live in its folder, and a clean shutdown removes it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "playground-sweep-"));
    const dead = hostFolder(dataDir, await deadPid(), "6a7b8c");
    const databases = new LabDatabases(dataDir, defaultLimits);
    expect(existsSync(dead)).toBe(false);
    const lab = databases.forLab("abc");
    await lab.connection.exec("CREATE TABLE t (v)");
    expect(lab.connection.file.startsWith(join(dataDir, `proc-${process.pid}-`))).toBe(true);
    expect(existsSync(lab.connection.file)).toBe(true);
    await databases.close();
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
