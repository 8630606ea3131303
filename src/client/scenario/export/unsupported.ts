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

/** The learner's server code is compiled and sandboxed by the host; a script runs the lesson's handlers only. */
export const LEARNER_CODE_UNSUPPORTED =
  "The scenario's server code (the learner's) is compiled and sandboxed by the playground's host; a script cannot run it, and stops at setup saying so.";
