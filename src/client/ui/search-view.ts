/**
 * The site search: Pagefind's index of the lessons and the glossary, built with the site
 * (`pagefind --site dist/client`) and searched in the browser. Its script and index load on the first
 * keystroke, not with the page, so a lesson's page weight does not grow with the course.
 */
interface PagefindResult {
  url: string;
  excerpt: string;
  meta: { title?: string };
  sub_results?: { title: string; url: string; excerpt: string }[];
}
interface Pagefind {
  init(): Promise<void>;
  debouncedSearch(query: string, options?: object, ms?: number): Promise<{ results: { data(): Promise<PagefindResult> }[] } | null>;
}

/** How many pages a search lists; each with its best section. */
const MAX_RESULTS = 8;

export function startSearch(form: HTMLElement): void {
  const input = form.querySelector<HTMLInputElement>("input[type=search]");
  const list = form.querySelector<HTMLOListElement>(".search-results");
  const status = form.querySelector<HTMLElement>(".search-status");
  if (!input || !list || !status) return;
  let pagefind: Promise<Pagefind> | undefined;
  const load = () => {
    // A path the bundler must not resolve: the index exists only in the built site.
    const url = "/pagefind/pagefind.js";
    pagefind ??= (import(/* @vite-ignore */ url) as Promise<Pagefind>).then(async (module) => {
      await module.init();
      return module;
    });
    return pagefind;
  };

  input.addEventListener("focus", () => void load().catch(() => undefined), { once: true });
  input.addEventListener("input", () => void search(input.value.trim()));
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    input.value = "";
    show([], "");
    input.focus();
  });
  // "/" jumps to the search from anywhere but a field, as on most documentation sites.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable], .monaco-editor")) return;
    event.preventDefault();
    input.focus();
  });

  async function search(query: string): Promise<void> {
    if (!query) return show([], "");
    let found;
    try {
      found = await (await load()).debouncedSearch(query);
    } catch {
      return show([], "Search is not available: the site was built without its index.");
    }
    if (!found || input?.value.trim() !== query) return;
    const results = await Promise.all(found.results.slice(0, MAX_RESULTS).map((result) => result.data()));
    show(results, results.length === 0 ? `Nothing found for "${query}".` : `${found.results.length} pages found.`);
  }

  function show(results: PagefindResult[], message: string): void {
    if (!list || !status) return;
    status.textContent = message;
    list.replaceChildren(
      ...results.map((result) => {
        const best = result.sub_results?.[0];
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = best?.url ?? result.url;
        link.textContent =
          best && best.title !== result.meta.title ? `${result.meta.title ?? ""} › ${best.title}` : (result.meta.title ?? result.url);
        const excerpt = document.createElement("p");
        excerpt.append(...marked(best?.excerpt ?? result.excerpt));
        item.append(link, excerpt);
        return item;
      }),
    );
    list.hidden = results.length === 0;
  }
}

/** Pagefind's excerpt marks the matched words with <mark>: kept as elements, everything else as text. */
function marked(excerpt: string): Node[] {
  return excerpt.split(/(<mark>.*?<\/mark>)/).map((part) => {
    const word = /^<mark>(.*)<\/mark>$/.exec(part);
    if (!word) return document.createTextNode(decode(part));
    const mark = document.createElement("mark");
    mark.textContent = decode(word[1] ?? "");
    return mark;
  });
}

function decode(text: string): string {
  const parsed = new DOMParser().parseFromString(text, "text/html");
  return parsed.documentElement.textContent ?? "";
}
