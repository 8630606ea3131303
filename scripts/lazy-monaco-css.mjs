// A Vite plugin: Monaco's CSS arrives with the editor, not on every lesson page.
//
// Monaco's modules import their CSS (`import './colorPicker.css'`). Astro adds the CSS of everything a
// page's scripts can reach to the page's <head>, dynamic imports included (withastro/astro#9495), so
// 175 KB of editor CSS became a render-blocking stylesheet on every lesson, editor opened or not. Here
// each of those imports becomes a small module that adds the CSS as a <style> when it runs: when the
// learner opens the editor and its chunk loads, in the same order as the imports.
// A virtual module id (\0: no other plugin touches it) that does not end in .css, or Vite would treat the
// module as CSS again.
const PREFIX = "\0monaco-css:";
const SUFFIX = ".js";

/** @returns {import("vite").Plugin} */
export function lazyMonacoCss() {
  return {
    name: "socket-io-playground:lazy-monaco-css",
    enforce: "pre",
    async resolveId(source, importer) {
      if (!importer || !source.endsWith(".css") || !importer.includes("/node_modules/monaco-editor/")) return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      return resolved ? `${PREFIX}${resolved.id}${SUFFIX}` : null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const file = id.slice(PREFIX.length, -SUFFIX.length);
      return [
        `import css from ${JSON.stringify(`${file}?inline`)};`,
        `const style = document.createElement("style");`,
        `style.dataset.monaco = "";`,
        `style.textContent = css;`,
        `document.head.append(style);`,
      ].join("\n");
    },
  };
}
