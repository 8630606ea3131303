// Floods a Retries lab with `stats` and `message` from clients of its own process, so that the test
// process, which runs the host, spends its event loop on the host and not on the flood's clients.
// Forked by tests/integration/database-flood.test.ts with the lab as JSON in argv[2]; says "flooding"
// once 50 stats were answered, and on "stop" answers how many were and exits.
import { connectFloodSockets } from "./flood-sockets.mjs";

const { origin, path, clients, stats, stores, text } = JSON.parse(process.argv[2]);
let flooding = true;
let answered = 0;
let next = 0;
let told = false;
const sockets = await connectFloodSockets(origin, path, clients, "Flood");
const loops = sockets.flatMap((socket) => [
  ...Array.from({ length: stats }, async () => {
    while (flooding) {
      await socket.timeout(30_000).emitWithAck("stats");
      answered += 1;
      if (!told && answered >= 50) {
        told = true;
        process.send({ flooding: true });
      }
    }
  }),
  ...Array.from({ length: stores }, async () => {
    while (flooding) {
      const n = next++;
      await socket.timeout(30_000).emitWithAck("message", { id: `flood-${process.pid}-${n}`, text: `${text} flood ${n}` });
    }
  }),
]);
process.on("message", async () => {
  flooding = false;
  await Promise.allSettled(loops);
  for (const socket of sockets) socket.disconnect();
  process.send({ answered }, () => process.exit(0));
});
