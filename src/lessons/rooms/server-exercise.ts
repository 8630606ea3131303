import { answer, received, receivesWithin, withClients, type ServerExercise } from "../../shared/server-exercise.js";

export const serverExercise: ServerExercise = {
  task: "Send to a room without the sender: when a client emits `shout` with a room and a text, every other member of that room gets `shout` with the text; the sender and clients outside the room get nothing.",
  hints: [
    "`join` already puts a socket in a room. Which emitter targets a room?",
    "`io.to(room)` reaches the sender too, if it is in the room. Start from the socket instead.",
  ],
  check: (lab) =>
    withClients(lab, ["Check A", "Check B", "Check C"], async (a, b, c) => {
      await answer(a, 2000, "join", "blue");
      await answer(b, 2000, "join", "blue");
      await answer(c, 2000, "join", "red");
      const text = `to blue ${Math.random().toString(36).slice(2, 8)}`;
      const atB = received(b, "shout", 2000);
      const atA = receivesWithin(a, "shout", 1000);
      const atC = receivesWithin(c, "shout", 1000);
      a.emit("shout", "blue", text);
      const [gotB, echoed, leaked] = await Promise.all([atB, atA, atC]);
      const evidence = [
        'Check A and Check B joined "blue", Check C joined "red"',
        `Check A shouted ${JSON.stringify(text)} to "blue"`,
        gotB ? `Check B (in blue) received shout ${JSON.stringify(gotB)}` : "Check B (in blue) received nothing within 2 s",
        echoed ? "Check A (the sender) received its own shout: leave the sender out" : "Check A (the sender) received nothing",
        leaked ? 'Check C (in red) received the shout: only "blue" should' : "Check C (in red) received nothing",
      ];
      return { pass: gotB?.includes(text) === true && !echoed && !leaked, evidence };
    }),
};
