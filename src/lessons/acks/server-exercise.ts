import { answer, withClients, type ServerExercise } from "../../shared/server-exercise.js";

const CASES: [number, number][] = [
  [2, 3],
  [-1, 10.5],
];

export const serverExercise: ServerExercise = {
  task: "Acknowledge `add` with the sum: a client that emits `add` with two numbers and an ack gets `a + b` back.",
  hints: [
    "The last argument of the handler is the client's ack: a function.",
    "Calling it sends the answer back to that emit, and only that one.",
  ],
  check: (lab) =>
    withClients(lab, ["Check A"], async (a) => {
      const evidence: string[] = [];
      let pass = true;
      for (const [x, y] of CASES) {
        const got = await answer(a, 2000, "add", x, y);
        const none = typeof got === "object" && got !== null && "noAnswer" in got;
        evidence.push(
          none ? `add(${x}, ${y}) got no answer within 2 s: the ack was never called` : `add(${x}, ${y}) answered ${JSON.stringify(got)}`,
        );
        if (got !== x + y) pass = false;
      }
      return { pass, evidence };
    }),
};
