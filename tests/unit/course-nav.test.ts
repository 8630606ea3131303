import { describe, expect, it } from "vitest";
import { sidebarOpen } from "../../src/client/ui/course-nav-view.js";

describe("the course sidebar's first state on a wide screen", () => {
  it("is open on a very wide screen and collapsed on a narrower one, until the learner chooses", () => {
    expect(sidebarOpen(null, true)).toBe(true);
    expect(sidebarOpen(null, false)).toBe(false);
  });

  it("follows the learner's last choice whatever the width", () => {
    expect(sidebarOpen("open", false)).toBe(true);
    expect(sidebarOpen("collapsed", true)).toBe(false);
  });

  it("ignores a stored value it does not know", () => {
    expect(sidebarOpen("sideways", false)).toBe(false);
  });
});
