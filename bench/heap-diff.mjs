// Compares two V8 heap snapshots by what their objects are: for each constructor (closures by function name,
// strings, arrays, code…), the bytes and count the first has more of than the second. It is how the lab's
// live heap was set against plain Socket.IO's under the same load ([8/8]):
//   BENCH_SERVER_OUTPUT=1 BENCH_SERVER_NODE_ARGS="--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/tmp/snap-lab" \
//     node bench/load.mjs 500 40 --only=lab      # then, once the learners are connected: kill -USR2 <server pid>
//   (the same with --only=plain into /tmp/snap-plain)
//   node --max-old-space-size=8000 bench/heap-diff.mjs /tmp/snap-lab/*.heapsnapshot /tmp/snap-plain/*.heapsnapshot [rows=40]
// A snapshot holds only live objects (V8 collects before taking it), so this is what marking has to visit.
import { readFileSync } from "node:fs";

const [first, second, rowsArg] = process.argv.slice(2);
if (!first || !second) {
  console.error("usage: node bench/heap-diff.mjs <first.heapsnapshot> <second.heapsnapshot> [rows=40]");
  process.exit(2);
}

/** Bytes and count per kind of object in one snapshot, with the snapshot's total. */
function kinds(file) {
  const snapshot = JSON.parse(readFileSync(file, "utf8"));
  const { node_fields: fields, node_types: nodeTypes } = snapshot.snapshot.meta;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((field) => fields.indexOf(field));
  const { nodes, strings } = snapshot;
  const byKind = new Map();
  let total = 0;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = nodeTypes[0][nodes[i + typeAt]];
    const kind =
      type === "object" ? strings[nodes[i + nameAt]] : type === "closure" ? `(closure) ${strings[nodes[i + nameAt]]}` : `(${type})`;
    const size = nodes[i + sizeAt];
    const entry = byKind.get(kind) ?? { bytes: 0, count: 0 };
    entry.bytes += size;
    entry.count += 1;
    byKind.set(kind, entry);
    total += size;
  }
  return { byKind, total };
}

const a = kinds(first);
const b = kinds(second);
const mb = (bytes) => (bytes / 1e6).toFixed(2);
console.log(`first ${mb(a.total)} MB, second ${mb(b.total)} MB, difference ${mb(a.total - b.total)} MB`);
console.log("   MB more   count more   kind");
const rows = [...new Set([...a.byKind.keys(), ...b.byKind.keys()])].map((kind) => {
  const [x, y] = [a.byKind.get(kind), b.byKind.get(kind)];
  return { kind, bytes: (x?.bytes ?? 0) - (y?.bytes ?? 0), count: (x?.count ?? 0) - (y?.count ?? 0) };
});
for (const row of rows.sort((p, q) => q.bytes - p.bytes).slice(0, Number(rowsArg ?? 40)))
  console.log(`${mb(row.bytes).padStart(10)} ${String(row.count).padStart(12)}   ${row.kind.slice(0, 90)}`);
