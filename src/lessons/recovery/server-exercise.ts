import { received, receivesWithin, type ServerExercise } from "../../shared/server-exercise.js";

export const serverExercise: ServerExercise = {
  task: "Turn connection state recovery on, and greet only clients that were not recovered: a new client gets `greet`; a client that drops and comes back with its session gets no second `greet`.",
  hints: [
    "Recovery is a server option: `export const options = { connectionStateRecovery: { … } }`.",
    "A recovered socket has `socket.recovered === true` in the connection handler.",
    "A client can only be recovered after it received at least one broadcast (an event with an offset): the `say` relay gives it one.",
  ],
  async check(lab) {
    let firstGreet: Promise<unknown[] | undefined> = Promise.resolve(undefined);
    const options = { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 };
    const a = await lab.connect("Check A", options, (socket) => (firstGreet = received(socket, "greet", 2000)));
    try {
      const evidence: string[] = [];
      const greeted = await firstGreet;
      evidence.push(
        greeted ? `Check A connected and received greet ${JSON.stringify(greeted)}` : "Check A connected and received no greet within 2 s",
      );
      const heard = received(a, "said", 2000);
      a.emit("say", "so that Check A has an offset");
      evidence.push((await heard) ? "Check A received a broadcast (its last offset)" : "Check A's say was not broadcast back");
      // The socket's own connect, not the manager's "reconnect": that fires before the namespace is joined.
      const back = new Promise<void>((resolve) => a.once("connect", () => resolve()));
      const secondGreet = receivesWithin(a, "greet", 3000);
      await lab.drop("Check A");
      await Promise.race([back, new Promise((resolve) => setTimeout(resolve, 3000))]);
      evidence.push(
        a.connected ? `Check A reconnected: socket.recovered is ${a.recovered === true}` : "Check A did not reconnect within 3 s",
      );
      const again = await secondGreet;
      evidence.push(again ? "Check A was greeted again after it came back" : "Check A was not greeted again");
      return { pass: Boolean(greeted) && a.recovered === true && !again, evidence };
    } finally {
      a.disconnect();
    }
  },
};
