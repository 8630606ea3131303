// Floods a Retries lab with large `message`s at a steady rate, without waiting for their acks (a refused
// store is never acked), and asks `stats` alongside, from clients of its own process, so that the test
// process, which runs the host, spends its event loop on the host. Forked by
// tests/integration/database-flood.test.ts with the lab as JSON in argv[2]; says "flooding" once the
// first messages went out, and on "stop" answers how many were sent and acked, and exits.
import { connectFloodSockets } from "./flood-sockets.mjs";

const { origin, path, clients, everyMs, bytes, stats } = JSON.parse(process.argv[2]);
let flooding = true;
let sent = 0;
let acked = 0;
let answered = 0;
const sockets = await connectFloodSockets(origin, path, clients, "Payload");
const text = "p".repeat(bytes);
const timers = sockets.map((socket, n) =>
  setInterval(() => {
    sent += 1;
    socket.emit("message", { id: `payload-${n}-${sent}`, text: `${sent} ${text}` }, () => (acked += 1));
    if (sent === clients * 10) process.send({ flooding: true });
  }, everyMs),
);
const statsLoops = sockets.flatMap((socket) =>
  Array.from({ length: stats }, async () => {
    while (flooding) {
      await socket
        .timeout(5000)
        .emitWithAck("stats")
        .then(() => (answered += 1))
        .catch(() => undefined);
    }
  }),
);
process.on("message", async () => {
  flooding = false;
  for (const timer of timers) clearInterval(timer);
  await Promise.allSettled(statsLoops);
  for (const socket of sockets) socket.disconnect();
  process.send({ sent, acked, answered }, () => process.exit(0));
});
