import { answer, received, type ServerExercise } from "../../shared/server-exercise.js";

const MAX_MOVES = 3;

export const serverExercise: ServerExercise = {
  task: "Keep a session when the balancer sends it to the other node: turn connection state recovery on in your options, and pick the adapter (in Nodes) that carries recovery between nodes. The check drops a client and lets the balancer send it back to the other node: it must come back recovered.",
  hints: [
    "Recovery is a server option: `export const options = { connectionStateRecovery: { … } }`.",
    "With no adapter, node B has never heard of node A's sessions.",
    "The cluster adapter relays broadcasts, but not the packets a session missed. Which adapter keeps them in a shared store?",
  ],
  async check(lab) {
    const balancer = lab.info.scaling?.balancerPath;
    if (!balancer) return { pass: false, evidence: ["This check runs on the Scaling lab."] };
    const options = { path: balancer, transports: ["websocket"], reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 };
    const a = await lab.connect("Check A", options);
    try {
      const evidence: string[] = [];
      const first = await answer(a, 3000, "where");
      evidence.push(`Check A connected through the balancer to node ${JSON.stringify(first)}`);
      const heard = received(a, "said", 3000);
      a.emit("say", "an event, so that Check A has an offset");
      evidence.push((await heard) ? "Check A received a broadcast (its last offset)" : "Check A's say was not broadcast back");
      // Round-robin sends each new connection to the next node; a few tries if another client moved the turn.
      for (let move = 1; move <= MAX_MOVES; move++) {
        const back = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 5000);
          a.once("connect", () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        await lab.drop("Check A");
        if (!(await back)) {
          evidence.push("Check A did not reconnect within 5 s");
          return { pass: false, evidence };
        }
        const now = await answer(a, 3000, "where");
        if (now === first) continue;
        evidence.push(`Check A came back on node ${JSON.stringify(now)}: socket.recovered is ${a.recovered === true}`);
        return { pass: a.recovered === true, evidence };
      }
      evidence.push(`Check A came back on the same node ${MAX_MOVES} times: is the balancer sticky? Set it to round-robin.`);
      return { pass: false, evidence };
    } finally {
      a.disconnect();
    }
  },
};
