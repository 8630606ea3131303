import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../support/memory-storage.js";
import { markVisited, readProgress, setCompleted } from "../../src/client/progress.js";

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
