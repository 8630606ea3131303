import { shippedScenario } from "../../lessons/shipped-scenarios.js";
import { parseScenario, type Scenario } from "../../shared/scenario/schema.js";
import { decodeScenarioFragment, encodeScenarioFragment, isScenarioFragment } from "../scenario/link/scenario-link.js";
import { part } from "./dom.js";
import { labOf } from "./lab-handle.js";
import { mountScenarioItem, scenarioItemMarkup, type ScenarioItem, type ScenarioItemContext } from "./scenario-item-view.js";
import { mountScenarioRecorder } from "./scenario-record-view.js";

/** The iframe a page embeds a scenario with (docs/embed.md). */
export function embedSnippet(origin: string, lesson: string, fragment: string, title: string): string {
  const escaped = title.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return `<iframe src="${origin}/embed/${lesson}#${fragment}" title="${escaped} · Socket.IO Playground" width="720" height="900" style="border:0" loading="lazy"></iframe>`;
}

/**
 * The Scenarios region (src/components/Scenarios.astro), once loaded: every scenario item playable on the
 * page's lab, one at a time; Copy link; a scenario from the page's link; the recorder.
 */
export async function mountScenarios(region: HTMLElement): Promise<void> {
  const lesson = region.dataset.lesson ?? "";
  const root = region.closest<HTMLElement>("[data-lab]");
  if (!root) throw new Error("the Scenarios region sits in a lab");
  const initialClients = JSON.parse(root.dataset.clients ?? "[]") as string[];
  const list = part<HTMLUListElement>(region, ".scenario-list");
  const message = part<HTMLElement>(region, ".scenario-message");
  const share = part<HTMLElement>(region, ".scenario-share");
  const linkBox = part<HTMLInputElement>(share, '[name="scenario-link"]');
  const embedBox = part<HTMLTextAreaElement>(share, '[name="scenario-embed"]');
  const reportBox = part<HTMLTextAreaElement>(share, '[name="scenario-report"]');
  const linkBoxes = part<HTMLElement>(share, ".scenario-link-boxes");
  const reportBoxes = part<HTMLElement>(share, ".scenario-report-box");
  /** Shows one set of share boxes, and the region around it; the other stays hidden until it is used. */
  const reveal = (box: HTMLElement) => {
    box.hidden = false;
    share.hidden = false;
  };

  const say = (text: string, error = false) => {
    message.textContent = text;
    message.setAttribute("role", error ? "alert" : "status");
    if (error) message.dataset.state = "error";
    else delete message.dataset.state;
  };

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      return false;
    }
  };

  let active: ScenarioItem | undefined;
  const context: ScenarioItemContext = {
    lab: () => labOf(root),
    say,
    async report(markdown, title) {
      reportBox.value = markdown;
      reveal(reportBoxes);
      const copied = await copy(markdown);
      say(
        copied ? `Copied the bug report of "${title}".` : `The bug report of "${title}" is in the Bug report box: select it and copy it.`,
      );
    },
    initialClients,
    async claim(item) {
      if (active && active !== item && active.started) await active.reset();
      active = item;
    },
    async share(scenario) {
      const encoded = await encodeScenarioFragment(scenario);
      if (!encoded.ok) return say(encoded.error, true);
      const url = `${location.origin}/lessons/${scenario.lesson}#${encoded.fragment}`;
      linkBox.value = url;
      embedBox.value = embedSnippet(location.origin, scenario.lesson, encoded.fragment, scenario.title);
      reveal(linkBoxes);
      const copied = await copy(url);
      say(
        copied
          ? `Copied the link to "${scenario.title}".`
          : `The link to "${scenario.title}" is in the Scenario link box: select it and copy it.`,
      );
      linkBox.focus();
      linkBox.select();
    },
  };

  // The page lists the shipped scenarios; their files load now, with this view (src/lessons/shipped-scenarios.ts).
  const items = [...list.querySelectorAll<HTMLElement>("li.scenario[data-scenario-id]")];
  const files = await Promise.all(items.map((item) => shippedScenario(lesson, item.dataset.scenarioId ?? "")));
  items.forEach((item, index) => {
    const parsed = parseScenario(files[index] ?? null);
    if (parsed.ok) mountScenarioItem(item, parsed.scenario, context);
  });

  part<HTMLButtonElement>(share, ".scenario-copy-embed").addEventListener("click", async () => {
    say((await copy(embedBox.value)) ? "Copied the embed code." : "Select the embed code and copy it.");
  });

  /** Adds (or replaces) a scenario the page did not ship at the top of the list. */
  const addItem = (scenario: Scenario, id: string, heading: string): void => {
    list.querySelector(`[data-scenario-id="${id}"]`)?.remove();
    const item = scenarioItemMarkup(scenario, id, heading);
    list.prepend(item);
    mountScenarioItem(item, scenario, context);
  };

  mountScenarioRecorder(region, {
    lab: () => labOf(root),
    lesson,
    initialClients,
    add: (scenario) => addItem(scenario, "recording", `Your recording: ${scenario.title}`),
  });

  if (isScenarioFragment(location.hash)) {
    const read = await decodeScenarioFragment(location.hash);
    if (!read.ok) {
      say(`The scenario in this link was not loaded. ${read.error} The lab works as usual without it.`, true);
    } else if (read.scenario.lesson !== lesson) {
      say(
        `The scenario in this link is for the ${read.scenario.lesson} lesson, not this one: open it at /lessons/${read.scenario.lesson}.`,
        true,
      );
    } else {
      addItem(read.scenario, "shared", `Shared: ${read.scenario.title}`);
      say(`Loaded the shared scenario "${read.scenario.title}". Nothing runs until you press Play.`);
    }
  }
}
