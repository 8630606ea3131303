import { createServer, request, type IncomingMessage, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { forwardRequest } from "../../src/server/proxy.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listening(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

describe("forwarding a request to another process", () => {
  it("does not take the upstream for down when the client gives up on a request it was holding (a long-poll)", async () => {
    // An upstream that holds every request, as Engine.IO holds a long-poll until it has something to send.
    let hold!: (req: IncomingMessage) => void;
    const upstreamGot = new Promise<IncomingMessage>((resolve) => (hold = resolve));
    const upstreamPort = await listening(createServer((req) => hold(req)));
    const failures: string[] = [];
    let frontClosed!: () => void;
    const closed = new Promise<void>((resolve) => (frontClosed = resolve));
    const front = await listening(
      createServer((req, res) => {
        res.once("close", () => setImmediate(frontClosed));
        forwardRequest(req, res, { host: "127.0.0.1", port: upstreamPort }, req.url ?? "/", { onFail: () => failures.push("onFail") });
      }),
    );
    const client = request({ host: "127.0.0.1", port: front, path: "/poll" });
    client.on("error", () => undefined);
    client.end();
    const held = await upstreamGot;
    const upstreamClosed = new Promise<void>((resolve) => held.socket.once("close", () => setImmediate(resolve)));
    client.destroy();
    await closed;
    // The proxy's own request to the upstream is torn down too; only then could it report a failure.
    await upstreamClosed;
    expect(failures).toEqual([]);
  });

  it("answers through onFail when the upstream refuses the connection", async () => {
    const refused = await listening(createServer());
    servers.pop()?.close();
    const front = await listening(
      createServer((req, res) =>
        forwardRequest(req, res, { host: "127.0.0.1", port: refused }, "/", { onFail: (answer) => answer.writeHead(404).end("gone") }),
      ),
    );
    const status = await new Promise<number>((resolve) =>
      request({ host: "127.0.0.1", port: front, path: "/" }, (res) => resolve(res.statusCode ?? 0)).end(),
    );
    expect(status).toBe(404);
  });
});
