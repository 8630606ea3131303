import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../support/memory-storage.js";
import { loadCode, loadServerCode, saveCode, saveServerCode } from "../../src/client/code/saved-code.js";
import { describeCompileErrors, describeServerCode, isFallback } from "../../src/client/code/server-code.js";

describe("the learner's server code, in the page", () => {
  it("is kept per lesson, apart from the client code", () => {
    const storage = new MemoryStorage();
    saveCode("emit", "client", storage);
    expect(saveServerCode("emit", "server", storage)).toBe(true);
    expect(loadCode("emit", storage)).toBe("client");
    expect(loadServerCode("emit", storage)).toBe("server");
    expect(loadServerCode("acks", storage)).toBeUndefined();
  });

  it("knows the log line that says the lab stopped the learner's code, and no other", () => {
    expect(isFallback({ at: 1, kind: "log", message: "Your server code was stopped: it ran too long (the CPU limit)." })).toBe(true);
    expect(isFallback({ at: 1, kind: "log", message: 'editing: "Your server code was stopped"' })).toBe(false);
    expect(isFallback({ at: 1, kind: "fault", message: "Your server code was stopped" })).toBe(false);
  });

  it("says which code runs, and where the first compile error is", () => {
    expect(describeServerCode("learner")).toBe("Your lab runs your server code.");
    expect(describeServerCode(undefined)).toBe("Your lab runs the lesson's server code.");
    expect(describeCompileErrors([{ line: 3, column: 7, message: "Expected identifier" }])).toMatch(
      /^Your server code does not compile: line 3, column 7: Expected identifier \(underlined\)\./,
    );
    expect(describeCompileErrors([])).toBe("Your server code does not compile.");
  });
});
