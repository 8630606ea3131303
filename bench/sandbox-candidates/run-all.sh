#!/bin/bash
# Reruns every measurement behind docs/server-code.md. Usage, from the project root:
#   source scripts/use-node.sh && cd bench/sandbox-candidates && npm install && ./run-all.sh
cd "$(dirname "$0")"
R=${RUNS:-5}
echo "== 1. hot path (µs/call, 100k calls after 10k warm-up, taskset -c 1)"
for m in native ivm ivm-notimeout ivm-async qjs qjs-nointerrupt; do for i in $(seq $R); do taskset -c 1 node hotpath.mjs $m; done; done | node agg.cjs
echo "== 2. memory per instance (100 instances, --expose-gc, taskset -c 1)"
for m in native ivm qjs-shared qjs-per; do for i in $(seq $R); do taskset -c 1 node --expose-gc mem.mjs $m 100; done; done | node agg.cjs
echo "== 3. start time (ms)"
for m in ivm qjs-shared qjs-per; do for i in $(seq $R); do taskset -c 1 node start.mjs $m; done; done | node agg.cjs
echo "== 4. isolation / limits"
node iso-all.mjs
LONG=1 node iso-all.mjs allocArray allocSmall
for st in 131072 262144 524288 1048576; do echo "qjs stack=$st: $(QJS_STACK=$st node iso.mjs qjs recursion)"; done
node qjs-fill.mjs
echo "== 5. faithfulness (real Socket.IO)"
node faithful.mjs ivm | node -e 'console.log(JSON.stringify(JSON.parse(require("fs").readFileSync(0,"utf8"))))'
node faithful.mjs qjs | node -e 'console.log(JSON.stringify(JSON.parse(require("fs").readFileSync(0,"utf8"))))'
node async-handler.mjs
