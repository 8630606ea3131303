import { answer, withClients, type ServerExercise } from "../../shared/server-exercise.js";

export const serverExercise: ServerExercise = {
  task: "Store each message once by its id, and still acknowledge a duplicate: a retry of a stored message (same `id`) adds no second row, but its ack still arrives, or the client would retry for ever.",
  hints: [
    "Let the database refuse the duplicate: a UNIQUE column on the message id.",
    "A UNIQUE failure throws with `errcode` 2067 (SQLITE_CONSTRAINT_UNIQUE): catch it, and acknowledge anyway.",
  ],
  check: (lab) =>
    withClients(lab, ["Check A"], async (a) => {
      const id = `check-${Math.random().toString(36).slice(2, 10)}`;
      const message = { id, text: `once ${id}` };
      const first = await answer(a, 2000, "message", message);
      const retry = await answer(a, 2000, "message", message);
      const stats = (await answer(a, 2000, "stats")) as { rows?: { text: string; copies: number }[] };
      const copies = stats.rows?.find((row) => row.text === message.text)?.copies ?? 0;
      const acked = (reply: unknown) => typeof reply === "object" && reply !== null && !("noAnswer" in reply);
      const evidence = [
        `first send of ${id}: ${acked(first) ? `acked ${JSON.stringify(first)}` : "no ack within 2 s"}`,
        `retry with the same id: ${acked(retry) ? `acked ${JSON.stringify(retry)}` : "no ack within 2 s"}`,
        `stats: ${copies} ${copies === 1 ? "copy" : "copies"} of the message stored`,
      ];
      return { pass: acked(first) && acked(retry) && copies === 1, evidence };
    }),
};
