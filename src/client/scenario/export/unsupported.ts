/**
 * The lessons whose labs a script cannot reproduce with only socket.io and socket.io-client, and why: told in
 * the script's header, in docs/scenarios.md ("Export"), and checked by tests/integration/scenario-export.test.ts.
 */
export const EXPORT_UNSUPPORTED: Readonly<Record<string, string>> = {
  scaling:
    "The Scaling lab's nodes are separate processes joined by the cluster adapter or Redis Streams (@socket.io/cluster-adapter, @socket.io/redis-streams-adapter), behind a balancer. A script may import only socket.io and socket.io-client, and this version does not yet stand in for the nodes: the script stops at setup and says so.",
};

/** The learner's server code is compiled and sandboxed by the host; a script runs the lesson's handlers only. */
export const LEARNER_CODE_UNSUPPORTED =
  "The scenario's server code (the learner's) is compiled and sandboxed by the playground's host; a script cannot run it, and stops at setup saying so.";
