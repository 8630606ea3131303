import { describe, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/acks", ["Alice"]);

describe("the code editor's IntelliSense", () => {
  it("completes the lab's own event names after socket.emit(, from the lesson's typed event map", async () => {
    const playground = lab.page().getByRole("region", { name: "Try it in code" });
    await playground.getByRole("button", { name: "Open the code editor" }).click();
    await playground.getByRole("button", { name: "Run", exact: true }).and(lab.page().locator(":enabled")).waitFor({ timeout: 20_000 });
    await playground.getByRole("textbox", { name: "Your code" }).focus();
    await lab.page().keyboard.press("Control+End");
    await lab.page().keyboard.type('\nsocket.emit("');
    await lab.page().keyboard.press("Control+Space");
    const suggestions = playground.locator(".suggest-widget");
    for (const name of ["add", "ask me", "poll"]) await suggestions.getByText(name, { exact: true }).first().waitFor();
  });
});
