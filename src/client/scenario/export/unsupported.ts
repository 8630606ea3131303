/**
 * The lessons whose labs a script cannot reproduce with only socket.io and socket.io-client, and why: told in
 * the script's header, in docs/scenarios.md ("Export"), and checked by tests/integration/scenario-export.test.ts.
 */
export const EXPORT_UNSUPPORTED: Readonly<Record<string, string>> = {};

/** How a script's lab differs from the real one, by lesson, told in its header. */
export const EXPORT_DIFFERENCES: Readonly<Record<string, string>> = {
  scaling:
    'The Scaling lab\'s nodes are separate processes joined by @socket.io/cluster-adapter or the Redis Streams adapter. A script may import only socket.io and socket.io-client, so its two nodes are plain servers in this one process, behind the same balancer (round-robin or sticky), and "cluster" and "redis-streams" are stood in for by one adapter the nodes share in process: broadcasts cross nodes as with those adapters, but serverSideEmit and fetchSockets stay on their node.',
};

/**
 * How a script runs the learner's server code, told in its header and docs/scenarios.md ("Export"): the host
 * compiles it (POST /api/scenario-export/compile, the sandbox's own compiler) and the script runs it natively.
 */
export const LEARNER_CODE_DIFFERENCES =
  "the learner's server code was compiled by the playground's host with the compiler its sandbox uses, and runs here natively on the plain server, not in a sandbox: its options are clamped to the lab's ranges as the lab does, console.log writes to the server log, but no CPU, memory, timer or database limit holds, and an import the lab refuses (another package, node:fs) works here.";
