import type { LabInfo } from "../../shared/lab-api.js";
import { labControl } from "../lab-control.js";
import { part } from "./dom.js";

/** How a setting is entered: a switch when it can only be 0 or 1, else a number with a step that fits its range. */
export type SettingInput = { kind: "switch" } | { kind: "number"; step: number };

export function settingInput(setting: { min: number; max: number }): SettingInput {
  if (setting.min === 0 && setting.max === 1) return { kind: "switch" };
  // Durations in ms move in tenths of a second; a small choice (0, 1, 2) moves one at a time.
  return { kind: "number", step: setting.max - setting.min >= 1000 ? 100 : 1 };
}

/**
 * The lesson's live server settings, rendered with the page from its server file: shown once the lab is
 * open, with the values the lab reports; each change goes to the lab, which answers with the value in force.
 */
export function mountSettings(fieldset: HTMLFieldSetElement, lab: LabInfo): void {
  const error = part<HTMLElement>(fieldset, ".settings-error");
  const summary = fieldset.querySelector<HTMLElement>(".settings-summary");
  const shown: HTMLInputElement[] = [];
  // A closed box's line names each setting and its value in force: "Resend when not recovered: 2".
  const summarize = () => {
    if (summary) summary.textContent = shown.map(settingWords).join(" · ");
  };
  // Shown only with a field the lab fills: a lesson without settings renders no box at all
  // (LabSettings.astro), and a page whose fields the lab does not know keeps its box hidden, never empty.
  for (const setting of lab.settings) {
    const input = fieldset.querySelector<HTMLInputElement>(`input[name="${setting.name}"]`);
    if (!input) continue;
    fieldset.hidden = false;
    shown.push(input);
    const show = (value: number) => {
      if (input.type === "checkbox") input.checked = value === 1;
      else input.value = String(value);
      summarize();
    };
    show(setting.value);
    input.addEventListener("change", () => {
      const value = input.type === "checkbox" ? Number(input.checked) : Number(input.value);
      labControl
        .setSettings(lab, { [setting.name]: value })
        .then((values) => {
          show(values[setting.name] ?? value);
          error.textContent = "";
        })
        .catch((thrown: unknown) => (error.textContent = thrown instanceof Error ? thrown.message : String(thrown)));
    });
  }
}

/**
 * One setting in a closed box's line: its label without what its brackets explain, and its value, with the
 * unit the brackets gave ("Server delay (ms)" → "Server delay: 0 ms").
 */
function settingWords(input: HTMLInputElement): string {
  const label = (input.closest("label")?.textContent ?? input.name).replace(/\s+/g, " ").trim();
  const unit = /\((ms)\)/.exec(label)?.[1];
  const name = label.replace(/\s*\(.*\)/, "");
  if (input.type === "checkbox") return `${name}: ${input.checked ? "on" : "off"}`;
  return `${name}: ${input.value}${unit ? ` ${unit}` : ""}`;
}
