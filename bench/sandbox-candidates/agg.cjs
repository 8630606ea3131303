// Reads JSON lines on stdin; groups by "mode"; prints median [min..max] (n runs) of every numeric field.
const { readFileSync } = require("node:fs"); // eslint-disable-line @typescript-eslint/no-require-imports -- a CommonJS helper
const rows = readFileSync(0, "utf8")
  .trim()
  .split("\n")
  .filter((l) => l.startsWith("{"))
  .map((l) => JSON.parse(l));
const by = new Map();
for (const r of rows) {
  const k = r.mode + (r.usPerCall !== undefined ? "" : r.rssPerInstanceMB !== undefined ? " (mem)" : " (start)");
  if (!by.has(k)) by.set(k, []);
  by.get(k).push(r);
}
for (const [mode, rs] of by) {
  const keys = Object.keys(rs[0]).filter((k) => typeof rs[0][k] === "number" && k !== "N");
  const f = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3));
  console.log(
    mode.padEnd(16) +
      keys
        .map((k) => {
          const xs = rs.map((r) => r[k]).sort((a, b) => a - b);
          const m = xs.length % 2 ? xs[(xs.length - 1) >> 1] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
          return `${k}=${f(m)} [${f(xs[0])}..${f(xs[xs.length - 1])}]`;
        })
        .join("  ") +
      `  (n=${rs.length})`,
  );
}
