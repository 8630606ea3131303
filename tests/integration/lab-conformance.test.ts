// The same client script against every lab backend: the in-process lab server, and a Scaling lab's node
// process. A lab's rules (naming clients, caps, the server log, the inspector) must not depend on which
// backend runs the sockets; each backend runs tests/support/conformance-handlers.ts.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LessonLab } from "../../src/server/lesson-lab.js";
import { scalingLessonLab } from "../../src/server/scaling/scaling-lesson.js";
import type { LabErrorPayload, LabInfo } from "../../src/shared/lab-api.js";
import type { ServerLogEntry } from "../../src/shared/server-log.js";
import { conformanceHandlers } from "../support/conformance-handlers.js";
import { connectClient, createLab, fault, nextEvent, startServer, waitForLogEntry, waitForSnapshot } from "../support/server.js";

const limits = { maxClientsPerLab: 2, maxRoomsPerLab: 2, maxEventsPerSecond: 20, maxPayloadBytes: 8 * 1024, maxOutgoingBytes: 32 * 1024 };
const WAIT_MS = 5000;

interface Backend {
  name: string;
  lesson: string;
  /** Where a client of this backend connects. */
  path(lab: LabInfo): string;
  /** The node every entry and socket is marked with, in a lab of several nodes. */
  node?: string;
  /** How the cap errors name what is full. */
  scope: { subject: string; noun: string; actor: string };
}

const backends: Backend[] = [
  {
    name: "the in-process lab server",
    lesson: "emit",
    path: (lab) => lab.path,
    scope: { subject: "This lab", noun: "lab", actor: "the lab" },
  },
  {
    name: "a Scaling lab's node",
    lesson: "scaling",
    path: (lab) => lab.scaling?.nodes[0]?.path ?? "",
    node: "A",
    scope: { subject: "Node A", noun: "node", actor: "node A" },
  },
];

const conformanceLab: LessonLab = { slug: "emit", options: {}, handlers: conformanceHandlers };

let running: RunningPlayground;
const sockets: Socket[] = [];
const labs: LabInfo[] = [];

beforeAll(async () => {
  const lessons = new Map<string, LessonLab>([
    ["emit", conformanceLab],
    ["scaling", scalingLessonLab(() => ({ entry: inject("conformanceNodeEntry") }))],
  ]);
  // One test address opens a Scaling lab per test: more than a visitor's quota of node processes a minute.
  running = await startServer({ ...limits, labProcessesPerAddressPerMinute: 1000, maxLabProcessesPerAddress: 1000 }, lessons);
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  for (const lab of labs.splice(0)) await fetch(`${running.origin}/api/labs/${lab.id}`, { method: "DELETE" });
});
afterAll(() => running.close());

/** An entry's fields, without the time and the node mark every entry of a node has. */
function fieldsOf(entry: ServerLogEntry): string[] {
  return Object.keys(entry)
    .filter((key) => key !== "at" && key !== "node")
    .sort();
}

describe.each(backends)("the lab rules on $name", (backend) => {
  async function open(): Promise<LabInfo> {
    const lab = await createLab(running.origin, backend.lesson);
    labs.push(lab);
    return { ...lab, path: backend.path(lab) };
  }

  async function connect(lab: LabInfo, name: string, options: Parameters<typeof connectClient>[4] = {}): Promise<Socket> {
    const socket = await connectClient(running.origin, lab, name, "websocket", options);
    sockets.push(socket);
    return socket;
  }

  const logged = (lab: LabInfo, matches: (entry: ServerLogEntry) => boolean) =>
    waitForLogEntry(running.origin, lab, (entry) => entry.node === backend.node && matches(entry), WAIT_MS);

  it("logs a connect, a room join, the frames each way and a plain disconnect, with the same fields", async () => {
    const lab = await open();
    const alice = await connect(lab, "Alice");
    const socketId = alice.id;
    expect(await alice.timeout(WAIT_MS).emitWithAck("join", "one")).toEqual([socketId, "one"]);
    alice.disconnect();

    const connected = await logged(lab, (e) => e.kind === "connect" && e.client === "Alice");
    expect(connected).toMatchObject({ client: "Alice", socketId, transport: "websocket" });
    expect(fieldsOf(connected)).toEqual(["client", "kind", "socketId", "transport"]);
    const joined = await logged(lab, (e) => e.kind === "room");
    expect(joined).toMatchObject({ client: "Alice", socketId, room: "one", action: "joined" });
    expect(fieldsOf(joined)).toEqual(["action", "client", "kind", "room", "socketId"]);
    const received = await logged(lab, (e) => e.kind === "received" && e.frame.includes('"join"'));
    expect(received).toMatchObject({ client: "Alice", socketId, frame: '420["join","one"]' });
    expect(fieldsOf(received)).toEqual(["client", "frame", "kind", "socketId"]);
    const sent = await logged(lab, (e) => e.kind === "sent" && e.frame.startsWith("430"));
    expect(sent).toMatchObject({ client: "Alice", socketId, frame: `430[["${socketId}","one"]]` });
    const gone = await logged(lab, (e) => e.kind === "disconnect");
    expect(gone).toMatchObject({ client: "Alice", socketId, reason: "client namespace disconnect" });
    expect(fieldsOf(gone)).toEqual(["client", "kind", "reason", "socketId"]);
  });

  it("names a client from auth.name when the page gives no client parameter", async () => {
    const lab = await open();
    const carol = await connect(lab, "", { query: {}, auth: { name: "Carol" } });
    expect(await logged(lab, (e) => e.kind === "connect")).toMatchObject({ client: "Carol", socketId: carol.id });
    const snapshot = await waitForSnapshot(running.origin, lab, (s) => s.sockets.length === 1, WAIT_MS);
    expect(snapshot.sockets[0]).toMatchObject({ id: carol.id, client: "Carol" });
  });

  it("logs a disconnect with its description: a frame over the payload cap is a transport error", async () => {
    const lab = await open();
    const alice = await connect(lab, "Alice");
    const closed = nextEvent<[string]>(alice, "disconnect", WAIT_MS);
    alice.emit("echo", "x".repeat(limits.maxPayloadBytes + 1));
    expect((await closed)[0]).toBe("transport close");
    const gone = await logged(lab, (e) => e.kind === "disconnect");
    expect(gone).toMatchObject({
      client: "Alice",
      reason: "transport error",
      description: expect.stringMatching(/Max payload size exceeded/),
    });
  });

  it("logs binary frames each way, as their attachments' sizes", async () => {
    const lab = await open();
    const alice = await connect(lab, "Alice");
    const echoed: unknown = await alice.timeout(WAIT_MS).emitWithAck("echo", new Uint8Array([1, 2, 3]));
    expect(new Uint8Array(echoed as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
    const placeholder = await logged(lab, (e) => e.kind === "received" && e.frame.startsWith("451-"));
    expect(placeholder).toMatchObject({
      client: "Alice",
      frame: expect.stringMatching(/^451-\d+\["echo",\{"_placeholder":true,"num":0\}\]$/),
    });
    const attachment = { client: "Alice", socketId: alice.id, frame: "<binary frame, 3 bytes>" };
    expect(await logged(lab, (e) => e.kind === "received" && e.frame.startsWith("<binary"))).toMatchObject(attachment);
    expect(await logged(lab, (e) => e.kind === "sent" && e.frame.startsWith("<binary"))).toMatchObject(attachment);
  });

  it("shows every socket, room, recovery and option field in the inspector", async () => {
    const lab = await open();
    const alice = await connect(lab, "Alice");
    await alice.timeout(WAIT_MS).emitWithAck("join", "one");
    const snapshot = await waitForSnapshot(running.origin, lab, (s) => s.rooms.length === 1 && s.sockets.length === 1, WAIT_MS);
    const [socket] = snapshot.sockets;
    const { node, ...rest } = socket ?? { node: undefined };
    expect(node).toBe(backend.node);
    expect(rest).toEqual({
      id: alice.id,
      client: "Alice",
      transport: "websocket",
      rooms: [alice.id, "one"],
      data: { greeting: "hello" },
      recovered: false,
      pendingAcks: 0,
    });
    expect(snapshot.rooms).toEqual([{ name: "one", members: [alice.id] }]);
    expect(snapshot.recovery).toEqual({ enabled: false, retainedPackets: 0, sessions: 0 });
    expect(snapshot.options).toEqual({
      pingInterval: 3000,
      pingTimeout: 2000,
      maxHttpBufferSize: limits.maxPayloadBytes,
      transports: ["polling", "websocket"],
      connectionStateRecovery: false,
    });
  });

  it("shows a server-to-client acknowledgement as pending in the inspector until the client answers", async () => {
    const lab = await open();
    const alice = await connect(lab, "Alice");
    const asked = nextEvent<[() => void]>(alice, "question", WAIT_MS);
    alice.emit("ask me");
    const [answer] = await asked;
    await waitForSnapshot(running.origin, lab, (s) => s.sockets[0]?.pendingAcks === 1, WAIT_MS);
    answer();
    await waitForSnapshot(running.origin, lab, (s) => s.sockets[0]?.pendingAcks === 0, WAIT_MS);
  });

  it("refuses a client past the clients cap with lab_full, and logs the refusal", async () => {
    const lab = await open();
    await connect(lab, "Alice");
    await connect(lab, "Bob");
    const error = (await connect(lab, "Carol").catch((e: unknown) => e)) as Error & { data?: LabErrorPayload };
    const message = `${backend.scope.subject} already has 2 clients connected, the most a ${backend.scope.noun} allows. Remove a client first.`;
    expect(error).toMatchObject({ message, data: { code: "lab_full", message } });
    expect(await logged(lab, (e) => e.kind === "refused")).toMatchObject({ client: "Carol", message });
  });

  it("refuses a join past the rooms cap with too_many_rooms, and logs the refusal", async () => {
    const lab = await open();
    const alice = await connect(lab, "Alice");
    for (const room of ["one", "two"]) expect(await alice.timeout(WAIT_MS).emitWithAck("join", room)).toContain(room);
    const refused = nextEvent<[LabErrorPayload]>(alice, "lab:error", WAIT_MS);
    expect(await alice.timeout(WAIT_MS).emitWithAck("join", "three")).not.toContain("three");
    const message = `${backend.scope.subject} already has 2 rooms, the most a ${backend.scope.noun} allows. Leave or empty a room first.`;
    expect((await refused)[0]).toEqual({ code: "too_many_rooms", message });
    expect(await logged(lab, (e) => e.kind === "refused")).toMatchObject({ client: "Alice", message });
  });

  it("cuts a client off past the events-per-second cap with rate_limited, and logs why", async () => {
    const lab = await open();
    const alice = await connect(lab, "Alice");
    const warned = nextEvent<[LabErrorPayload]>(alice, "lab:error", WAIT_MS);
    const cut = nextEvent<[string]>(alice, "disconnect", WAIT_MS);
    for (let n = 0; n < limits.maxEventsPerSecond * 2; n++) alice.emit("noise", n);
    const message = `More than ${limits.maxEventsPerSecond} events per second: ${backend.scope.actor} disconnected this client. Reconnect to carry on.`;
    expect((await warned)[0]).toEqual({ code: "rate_limited", message });
    expect((await cut)[0]).toBe("io server disconnect");
    expect(await logged(lab, (e) => e.kind === "refused")).toMatchObject({ client: "Alice", message });
  });

  it("closes a client that never reads what it is sent past the outgoing cap, and logs why", async () => {
    const lab = await open();
    const base = `${running.origin}${lab.path}/?EIO=4&transport=polling&client=Reader`;
    const { sid } = JSON.parse((await (await fetch(base)).text()).slice(1)) as { sid: string };
    const post = (body: string) => fetch(`${base}&sid=${sid}`, { method: "POST", body }).then((answer) => answer.text());
    await post("40");
    // Echoes it never polls for: each answer waits in its queue, until there is more than the cap.
    const value = "x".repeat(7 * 1024);
    for (let n = 0; n < 6; n++) await post(`42${n}["echo","${value}"]`).catch(() => undefined);
    const message = `More than ${limits.maxOutgoingBytes} bytes sent to this client were still unread: ${backend.scope.actor} closed its connection.`;
    expect(await logged(lab, (e) => e.kind === "refused")).toMatchObject({ client: "Reader", message });
    expect(await logged(lab, (e) => e.kind === "disconnect")).toMatchObject({
      client: "Reader",
      reason: "transport error",
      description: `outgoing queue over ${limits.maxOutgoingBytes} bytes`,
    });
  });

  it("refuses a raw Engine.IO connection past twice the clients cap with HTTP 403 saying why", async () => {
    const lab = await open();
    const handshake = () => fetch(`${running.origin}${lab.path}/?EIO=4&transport=polling`);
    for (let n = 0; n < limits.maxClientsPerLab * 2; n++) expect((await handshake()).status).toBe(200);
    const refused = await handshake();
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ message: `Too many open connections to this ${backend.scope.noun}` });
  });

  it("closes a client whose payload nests deeper than 32 levels, before any handler sees it", async () => {
    const lab = await open();
    const alice = await connect(lab, "Alice");
    const closed = nextEvent<[string]>(alice, "disconnect", WAIT_MS);
    let answered = false;
    alice.emit("echo", JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`), () => (answered = true));
    await closed;
    expect(answered).toBe(false);
    expect(await logged(lab, (e) => e.kind === "disconnect")).toMatchObject({ client: "Alice", reason: "forced close" });
  });

  it("reads connection state recovery's options back from the real server once the learner turns it on", async () => {
    const lab = await open();
    await fault(running.origin, lab, "/recovery", "PUT", { enabled: true, maxDisconnectionDuration: 15_000 });
    const snapshot = await waitForSnapshot(
      running.origin,
      lab,
      (s) => s.recovery.enabled && s.options.connectionStateRecovery !== false,
      WAIT_MS,
    );
    // Socket.IO's own default: middlewares do not run again on a recovered connection.
    expect(snapshot.options.connectionStateRecovery).toEqual({ maxDisconnectionDuration: 15_000, skipMiddlewares: true });
  });
});
