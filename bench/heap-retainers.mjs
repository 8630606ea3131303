// What holds the objects of one kind in a V8 heap snapshot: objects grouped by their first retainer (the
// holding object's constructor and the edge's name), optionally two or three levels up, with their bytes.
// It is how the lab's extra heap was traced to its owners ([8/8], bench/results/load-2026-12-02-gc.md).
//   node --max-old-space-size=8000 bench/heap-retainers.mjs <file.heapsnapshot> <kind> [rows=30] [depth=1]
// <kind>: a node type ("array", "native", "closure", "string": strings grouped by their start too) or
// "object:<Constructor>", e.g. "object:Map". "array" are V8's backing stores (property tables, elements).
import { readFileSync } from "node:fs";

const [file, kind, rowsArg = "30", depthArg = "1"] = process.argv.slice(2);
if (!file || !kind) {
  console.error("usage: node bench/heap-retainers.mjs <file.heapsnapshot> <kind> [rows=30] [depth=1]");
  process.exit(2);
}
const snapshot = JSON.parse(readFileSync(file, "utf8"));
const { meta } = snapshot.snapshot;
const NODE = meta.node_fields.length;
const EDGE = meta.edge_fields.length;
const nodeTypes = meta.node_types[0];
const edgeTypes = meta.edge_types[0];
const { nodes, edges, strings } = snapshot;
const field = (name) => meta.node_fields.indexOf(name);
const [TYPE, NAME, SIZE, EDGES] = ["type", "name", "self_size", "edge_count"].map(field);
const [EDGE_TYPE, EDGE_NAME, EDGE_TO] = ["type", "name_or_index", "to_node"].map((name) => meta.edge_fields.indexOf(name));

const count = nodes.length / NODE;
// The first retainer of each node, in snapshot order, and the name of the edge it is held by.
const retainer = new Int32Array(count).fill(-1);
const heldBy = new Array(count);
for (let node = 0, edge = 0; node < count; node++) {
  for (let k = 0; k < nodes[node * NODE + EDGES]; k++, edge += EDGE) {
    const to = edges[edge + EDGE_TO] / NODE;
    if (retainer[to] !== -1) continue;
    retainer[to] = node;
    const type = edgeTypes[edges[edge + EDGE_TYPE]];
    heldBy[to] = type === "element" || type === "hidden" ? `[${edges[edge + EDGE_NAME]}]` : strings[edges[edge + EDGE_NAME]];
  }
}
const typeOf = (node) => nodeTypes[nodes[node * NODE + TYPE]];
const nameOf = (node) => strings[nodes[node * NODE + NAME]];
const matches = kind.startsWith("object:")
  ? (node) => typeOf(node) === "object" && nameOf(node) === kind.slice("object:".length)
  : kind === "string"
    ? (node) => ["string", "concatenated string", "sliced string"].includes(typeOf(node))
    : (node) => typeOf(node) === kind;

const groups = new Map();
for (let node = 0; node < count; node++) {
  if (!matches(node)) continue;
  const path = [];
  for (let at = node, level = 0; level < Number(depthArg) && retainer[at] !== -1; level++, at = retainer[at])
    path.push(`${typeOf(retainer[at])}:${nameOf(retainer[at]).slice(0, 30)}.${heldBy[at]}`);
  // Strings are told apart by their start as well, numbers and ids folded.
  const start =
    kind === "string"
      ? `${nameOf(node)
          .slice(0, 24)
          .replace(/[0-9a-f]{6,}/g, "#")
          .replace(/\d+/g, "N")
          .replace(/\s/g, " ")} `
      : "";
  const key = `${start}<- ${path.join(" <- ") || "-"}`;
  const group = groups.get(key) ?? { count: 0, bytes: 0 };
  group.count += 1;
  group.bytes += nodes[node * NODE + SIZE];
  groups.set(key, group);
}
console.log("    MB   count   held by");
for (const [key, { count: n, bytes }] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(rowsArg)))
  console.log(`${(bytes / 1e6).toFixed(2).padStart(6)} ${String(n).padStart(7)}   ${key}`);
