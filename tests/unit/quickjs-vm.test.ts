import { describe, expect, it } from "vitest";
import { QuickJsVm, type HostAnswer } from "../../src/server/sandbox/quickjs-vm.js";

/** What the host was asked, in order: each op, and for a batch the ops inside it. */
interface Asked {
  op: string;
  calls?: string[];
  binaries: number;
}

const SOCKET = {
  id: "socket-1",
  handshake: { auth: {}, query: { client: "Alice" }, time: "", issued: 0, address: "127.0.0.1", secure: false, xdomain: false, url: "/" },
  data: {},
  rooms: ["socket-1"],
};

/**
 * What the host is asked when a client sends "go" (with `args`, and an ack if `ackId`) to a sandbox running
 * `handler` as its one `socket.on("go")` listener.
 */
async function askedFor(handler: string, args: unknown[] = [], ackId = 0): Promise<Asked[]> {
  const asked: Asked[] = [];
  const host = (op: string, payload: string, binaries: ArrayBuffer[]): HostAnswer => {
    if (op === "context") return { json: JSON.stringify({ v: { settings: [], node: null } }) };
    const calls =
      op === "batch"
        ? (JSON.parse(payload) as [string, { event?: string }][]).map(([name, input]) => (input.event ? `${name} ${input.event}` : name))
        : undefined;
    asked.push({ op, ...(calls && { calls }), binaries: binaries.length });
    if (op === "rooms") return { json: JSON.stringify({ v: [SOCKET.id] }) };
    return { json: op === "batch" ? "{}" : JSON.stringify({ v: null }) };
  };
  const vm = await QuickJsVm.create({ memoryBytes: 16 * 2 ** 20, callMs: 5000, cpuMsPerSecond: 10_000 }, host, (hit) => {
    throw new Error(`stopped: ${hit.message}`);
  });
  const loaded = vm.load(`exports.default = (io, lab) => io.on("connection", (socket) => socket.on("go", ${handler}));`, "server.js");
  expect(loaded).toEqual({ ok: true });
  vm.dispatch(["start"]);
  vm.dispatch(["connection", SOCKET]);
  asked.length = 0;
  vm.dispatch(["event", SOCKET.id, "go", args, ackId, 0]);
  vm.dispose();
  return asked;
}

describe("QuickJsVm: the calls a client event's handler makes", () => {
  it("reach the host in the order made, together, once the handler returns", async () => {
    expect(
      await askedFor(`(data, ack) => { socket.to("r").emit("news", data); lab.log("sent"); ack({ ok: true }); }`, [{ n: 1 }], 7),
    ).toEqual([{ op: "batch", calls: ["emit news", "log", "ack"], binaries: 0 }]);
  });

  it("made after an await come in a second batch, after those made before it", async () => {
    expect(await askedFor(`async (data, ack) => { socket.emit("before"); await null; socket.emit("after"); ack(); }`, [{}], 7)).toEqual([
      { op: "batch", calls: ["emit before"], binaries: 0 },
      { op: "batch", calls: ["emit after", "ack"], binaries: 0 },
    ]);
  });

  it("that read from the host go at once, after the calls that waited before them", async () => {
    expect(await askedFor(`() => { socket.emit("a"); const rooms = socket.rooms; socket.emit("b", [...rooms]); }`)).toEqual([
      { op: "batch", calls: ["emit a"], binaries: 0 },
      { op: "rooms", binaries: 0 },
      { op: "batch", calls: ["emit b"], binaries: 0 },
    ]);
  });

  it("with bytes in them go on their own with their binary parts, in their place in the order", async () => {
    expect(await askedFor(`() => { socket.emit("a"); socket.emit("bytes", { b: new Uint8Array([1, 2, 3]) }); socket.emit("c"); }`)).toEqual(
      [
        { op: "batch", calls: ["emit a"], binaries: 0 },
        { op: "emit", binaries: 1 },
        { op: "batch", calls: ["emit c"], binaries: 0 },
      ],
    );
  });
});
