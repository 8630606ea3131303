/**
 * Finds a lab control by the names a learner reads on the page: "Alice: Shared text" is the control named
 * "Shared text" in the panel named "Alice"; "Server log" is the part of the lab with that name. A lesson's
 * "Try it" button says what it means in those words, so a control that is renamed breaks the lesson's
 * browser test rather than pointing nowhere in silence.
 */
export function findControl(lab: ParentNode, spec: string): HTMLElement | undefined {
  const split = spec.indexOf(": ");
  const scopeName = split > 0 ? spec.slice(0, split) : undefined;
  const controlName = normalize(split > 0 ? spec.slice(split + 2) : spec);
  let scope: ParentNode = lab;
  if (scopeName) {
    const panel = [...lab.querySelectorAll<HTMLElement>("[role=group], section, fieldset, details")].find(
      (element) => normalize(nameOf(element)) === normalize(scopeName),
    );
    if (!panel) return undefined;
    scope = panel;
  }
  // A part's own open/close button is named as the part: it answers only when no control inside does,
  // so "Server log" still means the log's list, and "Timeline" the timeline's heading button.
  const all = [...scope.querySelectorAll<HTMLElement>(CONTROLS)];
  const toggles = all.filter((element) => element.matches(".part-toggle"));
  const candidates = all.filter((element) => !element.matches(".part-toggle"));
  const control =
    candidates.find((element) => normalize(nameOf(element)) === controlName) ??
    candidates.find((element) => normalize(nameOf(element)).startsWith(controlName)) ??
    toggles.find((element) => normalize(nameOf(element)) === controlName);
  if (control) return control;
  return [...scope.querySelectorAll<HTMLElement>(PARTS)].find((element) => normalize(nameOf(element)).startsWith(controlName));
}

const CONTROLS = "button, input, select, textarea, summary, a[href], [role=button], [role=tab], ol[aria-label], ul[aria-label]";
/** Parts of the lab a step can point at as a whole: its boxes and panels. */
const PARTS = "section, fieldset, details, [role=region], [role=group]";

function normalize(name: string): string {
  return name.replace(/\s+/g, " ").trim().toLowerCase();
}

/** The name a learner sees for an element, close to its accessible name (aria-label, labelledby, label, legend, text). */
export function nameOf(element: HTMLElement): string {
  const label = element.getAttribute("aria-label");
  if (label) return label;
  const labelledBy = element.getAttribute("aria-labelledby");
  if (labelledBy) {
    return labelledBy
      .split(/\s+/)
      .map((id) => element.ownerDocument.getElementById(id)?.textContent ?? "")
      .join(" ");
  }
  if (element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement) {
    const owner = element.labels?.[0];
    return owner ? labelText(owner) : "";
  }
  if (element instanceof HTMLFieldSetElement) {
    // A legend's words without what is hidden from its name (a part's mark and summary, see PartHead.astro).
    const legend = element.querySelector("legend")?.cloneNode(true) as HTMLElement | undefined;
    for (const hidden of legend?.querySelectorAll("[aria-hidden=true]") ?? []) hidden.remove();
    return legend?.textContent ?? "";
  }
  if (element instanceof HTMLDetailsElement) return element.querySelector("summary")?.textContent ?? "";
  if (element.tagName === "SECTION") return element.querySelector("h2, h3, h4")?.textContent ?? "";
  return element.textContent ?? "";
}

/** A label's own words, without the text of the control inside it (a textarea's content, a select's options). */
function labelText(label: HTMLLabelElement): string {
  const copy = label.cloneNode(true) as HTMLLabelElement;
  for (const control of copy.querySelectorAll("input, select, textarea")) control.remove();
  return copy.textContent ?? "";
}
