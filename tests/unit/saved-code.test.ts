import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../support/memory-storage.js";
import { loadCode, MAX_SAVED_CHARS, saveCode } from "../../src/client/code/saved-code.js";
import { markExercisePassed, readProgress } from "../../src/client/progress.js";

describe("the learner's saved code", () => {
  it("keeps code per lesson", () => {
    const storage = new MemoryStorage();
    expect(saveCode("emit", "a", storage)).toBe(true);
    saveCode("acks", "b", storage);
    expect(loadCode("emit", storage)).toBe("a");
    expect(loadCode("acks", storage)).toBe("b");
    expect(loadCode("rooms", storage)).toBeUndefined();
  });

  it("says so instead of throwing when the code is too long or storage is full", () => {
    expect(saveCode("emit", "x".repeat(MAX_SAVED_CHARS + 1), new MemoryStorage())).toBe(false);
    expect(saveCode("emit", "x".repeat(100), new MemoryStorage(10))).toBe(false);
  });

  it("remembers a passed exercise in the lesson's progress", () => {
    const storage = new MemoryStorage();
    markExercisePassed("emit", storage);
    expect(readProgress(storage).emit).toMatchObject({ visited: true, exercisePassed: true });
  });
});
