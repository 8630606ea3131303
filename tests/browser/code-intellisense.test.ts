import { describe, it } from "vitest";
import { openCodeEditor, useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/acks", ["Alice"]);

describe("the code editor's IntelliSense", { timeout: 60_000 }, () => {
  it("completes the lab's own event names after socket.emit(, from the lesson's typed event map", async () => {
    const playground = lab.page().getByRole("region", { name: "Try it in code" });
    await openCodeEditor(lab.page(), lab.errors());
    await playground.getByRole("textbox", { name: "Your code" }).focus();
    await lab.page().keyboard.press("Control+End");
    await lab.page().keyboard.type('\nsocket.emit("');
    await lab.page().keyboard.press("Control+Space");
    const suggestions = playground.locator(".suggest-widget");
    for (const name of ["add", "ask me", "poll"]) await suggestions.getByText(name, { exact: true }).first().waitFor();
  });
});
