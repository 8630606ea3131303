import type { Element, ElementContent } from "hast";
import { GLOSSARY, glossaryHref, type GlossaryTerm } from "../shared/glossary.js";

/** Where a term is not marked: headings, code blocks, links and buttons (a popover inside them would nest controls). */
const SKIP = new Set(["h1", "h2", "h3", "h4", "h5", "h6", "pre", "a", "button", "summary"]);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

interface Matcher {
  term: GlossaryTerm;
  words: RegExp;
  exact: ReadonlySet<string>;
}

const MATCHERS: readonly Matcher[] = GLOSSARY.map((term) => {
  const names = [term.term, ...(term.aliases ?? [])].sort((a, b) => b.length - a.length);
  return {
    term,
    words: new RegExp(`\\b(${names.map(escape).join("|")})\\b`, "i"),
    exact: new Set(names),
  };
});

/**
 * Marks the first appearance of each glossary term in one step: the word becomes a button that opens a
 * popover with the term's definition (the Popover API: keyboard and screen readers included, no script).
 * `next` numbers the popovers, whose ids must be unique in the page.
 */
export function markTerms(step: Element, next: () => number): Element {
  const pending = new Set(MATCHERS);

  const visit = (node: Element): Element => {
    if (SKIP.has(node.tagName)) return node;
    const children: ElementContent[] = [];
    for (const child of node.children) {
      if (child.type === "element" && child.tagName === "code") {
        const text = child.children.map((part) => (part.type === "text" ? part.value : "")).join("");
        const match = [...pending].find((matcher) => matcher.term.code && matcher.exact.has(text));
        if (match) {
          pending.delete(match);
          children.push(...marked(match.term, [child], next()));
          continue;
        }
        children.push(child);
      } else if (child.type === "element") {
        children.push(visit(child));
      } else if (child.type === "text") {
        children.push(...inText(child.value));
      } else {
        children.push(child);
      }
    }
    return { ...node, children };
  };

  const inText = (value: string): ElementContent[] => {
    for (const matcher of pending) {
      if (matcher.term.code) continue;
      const found = matcher.words.exec(value);
      if (!found) continue;
      pending.delete(matcher);
      const before = value.slice(0, found.index);
      const after = value.slice(found.index + found[0].length);
      return [...inText(before), ...marked(matcher.term, [{ type: "text", value: found[0] }], next()), ...inText(after)];
    }
    return value ? [{ type: "text", value }] : [];
  };

  return visit(step);
}

function marked(term: GlossaryTerm, content: ElementContent[], n: number): ElementContent[] {
  const id = `term-${term.id}-${n}`;
  return [
    {
      type: "element",
      tagName: "button",
      properties: { type: "button", className: ["term"], popovertarget: id },
      children: content,
    },
    {
      type: "element",
      tagName: "span",
      // The definition belongs to the glossary's own search entry, not to every lesson that uses the word.
      properties: { id, popover: "auto", className: ["term-popover"], role: "note", dataPagefindIgnore: "" },
      children: [
        { type: "element", tagName: "strong", properties: {}, children: [{ type: "text", value: term.term }] },
        { type: "text", value: `: ${term.definition} ` },
        {
          type: "element",
          tagName: "a",
          properties: { href: glossaryHref(term.id) },
          children: [{ type: "text", value: "In the glossary" }],
        },
      ],
    },
  ];
}
