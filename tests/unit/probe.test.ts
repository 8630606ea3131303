import { it } from "vitest";
import { startServer, createLab, connectClient, nextEvent, fault } from "../support/server.js";
it("probe", async () => {
  const running = await startServer();
  const lab = await createLab(running.origin);
  const s = await connectClient(running.origin, lab, "Alice", "polling", { reconnection: true });
  s.io.engine.on("packet", (p) => console.log("pkt", p.type));
  s.on("disconnect", (r, d) => console.log("disc", r, d));
  console.log("inflight?");
  console.log(await fault(running.origin, lab, "/clients/Alice/drop", "POST"));
  await new Promise((r) => setTimeout(r, 4000));
  await running.close();
}, 20000);
