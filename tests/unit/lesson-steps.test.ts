import { markdownToHtml } from "satteri";
import { describe, expect, it } from "vitest";
import { lessonSteps } from "../../src/markdown/lesson-steps.js";

const html = (markdown: string) => markdownToHtml(markdown, { hastPlugins: [lessonSteps] }).html;

describe("a lesson's Markdown made into steps", () => {
  it("starts a step at each h2, named by the heading's words before its colon, and keeps Next with the last step", () => {
    const out = html("## The problem\n\nA\n\n## Try it: one\n\nB\n\n## Try it: two\n\nC\n\n## Next\n\nOn");
    expect(out.match(/<section class="lesson-step" data-step="([^"]+)"/g)).toEqual([
      '<section class="lesson-step" data-step="the-problem"',
      '<section class="lesson-step" data-step="try-it"',
      '<section class="lesson-step" data-step="try-it-2"',
    ]);
    expect(out).toMatch(/<h2 id="try-it-2">Try it: two<\/h2>\s*<p>C<\/p>\s*<h2>Next<\/h2>\s*<p>On<\/p><\/section>\s*$/);
  });

  it("hides an Answer: paragraph behind a Show answer button that controls it", () => {
    const out = html("## Check yourself\n\n1. Why?\n\nAnswer: because `42`.");
    expect(out).toContain('<button type="button" class="show-answer" aria-expanded="false" aria-controls="answer-1">Show answer</button>');
    expect(out).toContain('<div id="answer-1" class="answer-body" hidden="until-found"><p>Answer: because <code>42</code>.</p></div>');
  });

  it("turns a Try it link into a button that names its control", () => {
    const out = html('## Try it\n\n[Try it](#try "Alice: Event name"): set it.');
    expect(out).toContain(
      '<button type="button" class="try-it" data-try="Alice: Event name" aria-label="Try it: Event name in Alice&#x27;s panel">Try it</button>: set it.',
    );
  });

  it("marks a glossary term's first appearance in each step with a popover, and no later one", () => {
    const out = html("## One\n\nA room, another room, and the `sid`.\n\n## Two\n\nRooms again.");
    expect(out.match(/class="term"/g)).toHaveLength(3);
    expect(out).toContain('<button type="button" class="term" popovertarget="term-room-1">room</button>');
    expect(out).toMatch(
      /<span id="term-room-1" popover="auto" class="term-popover" role="note" data-pagefind-ignore=""><strong>room<\/strong>: A named group/,
    );
    expect(out).toContain('popovertarget="term-sid-2"><code>sid</code></button>');
    expect(out).toContain('<button type="button" class="term" popovertarget="term-room-3">Rooms</button>');
  });

  it("leaves terms in headings, links and code blocks alone", () => {
    const out = html("## Rooms\n\n[a room](/x)\n\n```ts\nconst room = 1;\n```");
    expect(out).not.toContain('class="term"');
  });
});
