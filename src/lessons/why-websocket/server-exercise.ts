import { received, withClients, type ServerExercise } from "../../shared/server-exercise.js";

export const serverExercise: ServerExercise = {
  task: "Push the counter: every time it changes, emit `tick` with it to every connected client, so nobody has to ask.",
  hints: ["`change()` is where the value changes.", "Which emit reaches every connected client?"],
  check: (lab) =>
    withClients(lab, ["Check A", "Check B"], async (a, b) => {
      const [atA, atB] = await Promise.all([received(a, "tick", 5000), received(b, "tick", 5000)]);
      const tick = (got: unknown[] | undefined) => got?.[0] as { n?: unknown } | undefined;
      const evidence = [
        atA
          ? `Check A received tick ${JSON.stringify(atA[0])} without asking`
          : "Check A received no tick (the counter changes at the lab's setting)",
        atB ? `Check B received tick ${JSON.stringify(atB[0])} without asking` : "Check B received no tick",
      ];
      return { pass: typeof tick(atA)?.n === "number" && typeof tick(atB)?.n === "number", evidence };
    }),
};
