/**
 * "Show answer" buttons: a Check yourself answer stays hidden until the learner asks for it, so the
 * question is a question. The build hides each answer with `hidden="until-found"` (src/markdown/),
 * which find-in-page can still open; the button then says so too.
 */
export function wireAnswers(root: ParentNode): void {
  for (const button of root.querySelectorAll<HTMLButtonElement>("button.show-answer")) {
    const body = document.getElementById(button.getAttribute("aria-controls") ?? "");
    if (!body) continue;
    const show = (open: boolean) => {
      if (open) body.removeAttribute("hidden");
      else body.setAttribute("hidden", "until-found");
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "Hide answer" : "Show answer";
    };
    button.addEventListener("click", () => show(button.getAttribute("aria-expanded") !== "true"));
    body.addEventListener("beforematch", () => show(true));
  }
}
