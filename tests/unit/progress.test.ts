import { describe, expect, it } from "vitest";
import { markVisited, readProgress, setCompleted } from "../../src/client/progress.js";

/** The Web Storage interface, in memory. */
class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe("course progress", () => {
  it("remembers visited and completed lessons", () => {
    const storage = new MemoryStorage();
    markVisited("emit", storage);
    setCompleted("acks", true, storage);
    expect(readProgress(storage)).toEqual({
      emit: { visited: true, completed: false },
      acks: { visited: true, completed: true },
    });
  });

  it("keeps a completed lesson completed when it is visited again", () => {
    const storage = new MemoryStorage();
    setCompleted("emit", true, storage);
    markVisited("emit", storage);
    expect(readProgress(storage).emit).toEqual({ visited: true, completed: true });
  });

  it("starts over instead of failing on corrupted storage", () => {
    const storage = new MemoryStorage();
    storage.setItem("playground:progress", "{not json");
    expect(readProgress(storage)).toEqual({});
    storage.setItem("playground:progress", "[1,2]");
    expect(readProgress(storage)).toEqual({});
  });
});
