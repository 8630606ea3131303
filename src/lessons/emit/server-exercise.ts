import { received, receivesWithin, withClients, type ServerExercise } from "../../shared/server-exercise.js";

export const serverExercise: ServerExercise = {
  task: "Relay `editing` to everyone but the sender: when a client emits `editing` with some text, every other client gets `editing` with the same text, and the sender gets nothing back.",
  hints: [
    "The handler already receives the text: what is missing is one emit.",
    "`io.emit` reaches every client, the sender too. Which emitter leaves the sender out?",
  ],
  check: (lab) =>
    withClients(lab, ["Check A", "Check B", "Check C"], async (a, b, c) => {
      const text = `checking ${Math.random().toString(36).slice(2, 8)}`;
      const atB = received(b, "editing", 2000);
      const atC = received(c, "editing", 2000);
      const backToA = receivesWithin(a, "editing", 1000);
      a.emit("editing", text);
      const [gotB, gotC, echoed] = await Promise.all([atB, atC, backToA]);
      const evidence = [
        `Check A emitted editing ${JSON.stringify(text)}`,
        gotB ? `Check B received editing ${JSON.stringify(gotB[0])}` : "Check B received no editing within 2 s",
        gotC ? `Check C received editing ${JSON.stringify(gotC[0])}` : "Check C received no editing within 2 s",
        echoed ? "Check A got its own text back: the sender must be left out" : "Check A got nothing back within 1 s",
      ];
      const pass = gotB?.[0] === text && gotC?.[0] === text && !echoed;
      return { pass, evidence };
    }),
};
