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

/** A sandbox running `handler` as the one `socket.on("go")` listener, with a host that records what it is asked. */
async function sandboxWith(handler: string): Promise<{ vm: QuickJsVm; asked: Asked[] }> {
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
  return { vm, asked };
}

describe("QuickJsVm: the calls a client event's handler makes", () => {
  it("reach the host in the order made, together, once the handler returns", async () => {
    const { vm, asked } = await sandboxWith(`(data, ack) => { socket.to("r").emit("news", data); lab.log("sent"); ack({ ok: true }); }`);
    vm.dispatch(["event", SOCKET.id, "go", [{ n: 1 }], 7, 0]);
    expect(asked).toEqual([{ op: "batch", calls: ["emit news", "log", "ack"], binaries: 0 }]);
    vm.dispose();
  });

  it("made after an await come in a second batch, after those made before it", async () => {
    const { vm, asked } = await sandboxWith(`async (data, ack) => { socket.emit("before"); await null; socket.emit("after"); ack(); }`);
    vm.dispatch(["event", SOCKET.id, "go", [{}], 7, 0]);
    expect(asked).toEqual([
      { op: "batch", calls: ["emit before"], binaries: 0 },
      { op: "batch", calls: ["emit after", "ack"], binaries: 0 },
    ]);
    vm.dispose();
  });

  it("that read from the host go at once, after the calls that waited before them", async () => {
    const { vm, asked } = await sandboxWith(`() => { socket.emit("a"); const rooms = socket.rooms; socket.emit("b", [...rooms]); }`);
    vm.dispatch(["event", SOCKET.id, "go", [], 0, 0]);
    expect(asked).toEqual([
      { op: "batch", calls: ["emit a"], binaries: 0 },
      { op: "rooms", binaries: 0 },
      { op: "batch", calls: ["emit b"], binaries: 0 },
    ]);
    vm.dispose();
  });

  it("with bytes in them go on their own with their binary parts, in their place in the order", async () => {
    const { vm, asked } = await sandboxWith(
      `() => { socket.emit("a"); socket.emit("bytes", { b: new Uint8Array([1, 2, 3]) }); socket.emit("c"); }`,
    );
    vm.dispatch(["event", SOCKET.id, "go", [], 0, 0]);
    expect(asked).toEqual([
      { op: "batch", calls: ["emit a"], binaries: 0 },
      { op: "emit", binaries: 1 },
      { op: "batch", calls: ["emit c"], binaries: 0 },
    ]);
    vm.dispose();
  });
});
