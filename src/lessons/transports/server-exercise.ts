import { answer, received, receivesWithin, withClients, type ServerExercise } from "../../shared/server-exercise.js";

const LIMIT = 200;

export const serverExercise: ServerExercise = {
  task: `Refuse oversized messages with a clear error: a \`say\` of more than ${LIMIT} characters is not relayed, and its ack answers \`{ error: "…" }\` saying why; a shorter one is relayed to the others and acked \`{ status: "ok" }\`.`,
  hints: ["Check the text's length before you relay it.", "Answer the ack in both cases: the client waits for it either way."],
  check: (lab) =>
    withClients(lab, ["Check A", "Check B"], async (a, b) => {
      const short = "a short one";
      const atB = received(b, "say", 2000);
      const okReply = (await answer(a, 2000, "say", short)) as { status?: unknown; error?: unknown };
      const relayed = await atB;
      const long = "x".repeat(LIMIT * 3);
      const leaked = receivesWithin(b, "say", 1000);
      const refusal = (await answer(a, 2000, "say", long)) as { status?: unknown; error?: unknown };
      const longLeaked = await leaked;
      const evidence = [
        `say(${JSON.stringify(short)}) acked ${JSON.stringify(okReply)}; Check B ${relayed ? "received it" : "received nothing within 2 s"}`,
        `say(${LIMIT * 3} characters) acked ${JSON.stringify(refusal)}`,
        longLeaked ? "Check B received the oversized message: it should not be relayed" : "Check B did not receive the oversized message",
      ];
      const pass =
        okReply.status === "ok" && relayed?.[0] === short && typeof refusal.error === "string" && refusal.error.length > 0 && !longLeaked;
      return { pass, evidence };
    }),
};
