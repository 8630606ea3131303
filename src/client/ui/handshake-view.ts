import type { LinkTraffic } from "../../shared/network.js";
import { clockTime } from "./format.js";
import { part } from "./dom.js";

function block(caption: string, lines: string[]): HTMLElement {
  const figure = document.createElement("figure");
  const label = document.createElement("figcaption");
  label.textContent = caption;
  const pre = document.createElement("pre");
  pre.textContent = lines.length > 0 ? lines.join("\n") : "(no answer yet)";
  figure.append(label, pre);
  return figure;
}

/** Shows each client's latest WebSocket handshake from the lab's snapshots; redraws only when one changes. */
export function mountHandshakes(root: HTMLElement): (links: LinkTraffic[]) => void {
  const list = part<HTMLElement>(root, ".handshake-list");
  const empty = part<HTMLElement>(root, ".empty");
  const latest = part<HTMLElement>(root, ".latest");
  let shown = "";
  return (links) => {
    const withHandshake = links.filter((link) => link.handshake);
    const key = withHandshake.map((link) => `${link.client}@${link.handshake?.at}:${link.handshake?.response.length}`).join();
    if (key === shown) return;
    shown = key;
    empty.hidden = withHandshake.length > 0;
    // The newest answer, in one line a screen reader announces: the boxes below are too long to read out.
    const newest = [...withHandshake].sort((a, b) => (b.handshake?.at ?? 0) - (a.handshake?.at ?? 0))[0];
    const answer = newest?.handshake?.response[0];
    latest.textContent = newest && answer ? `Latest: ${newest.client}'s upgrade request was answered ${answer}.` : "";
    list.replaceChildren(
      ...withHandshake.map(({ client, handshake }) => {
        const article = document.createElement("article");
        const heading = document.createElement("h4");
        heading.textContent = `${client}, at ${clockTime(handshake?.at ?? 0)}`;
        const pair = document.createElement("div");
        pair.className = "handshake-pair";
        pair.append(block("Request the lab received", handshake?.request ?? []), block("Answer the lab sent", handshake?.response ?? []));
        article.append(heading, pair);
        return article;
      }),
    );
  };
}
