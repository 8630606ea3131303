// Usage: node faithful.mjs <ivm|qjs>
// Real Socket.IO server + client. The learner handler runs in the sandbox and calls socket.join / socket.rooms /
// socket.emit / socket.to(room).emit synchronously, and calls an ack function later from a sandbox setTimeout.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { io as ioc } from "socket.io-client";
import { createIvm, createQjs, newQjsModule } from "./common.mjs";
const engine = process.argv[2];
const LEARNER = `
exports.hello = function (socket, data, ack) {
  socket.join("room1");
  var rooms = socket.rooms;                       // synchronous read of real socket.rooms
  socket.emit("welcome", { you: socket.id, rooms: rooms });
  socket.to("room1").emit("joined", { id: socket.id });
  setTimeout(function () { ack({ ok: true, echo: data, roomsLater: socket.rooms }); }, 20);
  return { syncReturn: rooms };
};`;
const http = createServer();
const io = new Server(http);
const sockets = new Map(),
  acks = new Map();
let ackSeq = 0;
const log = [];
const host = {
  emit: (id, ev, d) => {
    log.push(["emit-called-sync", ev]);
    sockets.get(id).emit(ev, d);
  },
  emitTo: (id, room, ev, d) => sockets.get(id).to(room).emit(ev, d),
  join: (id, room) => sockets.get(id).join(room),
  getRooms: (id) => [...sockets.get(id).rooms],
  setTimeout: (fire, t, ms) => setTimeout(() => fire(t), ms),
  ack: (ackId, args) => {
    const f = acks.get(ackId);
    acks.delete(ackId);
    f?.(...args);
  },
};
const sb = engine === "ivm" ? createIvm(LEARNER, host) : createQjs(await newQjsModule(), LEARNER, host);
io.on("connection", (socket) => {
  sockets.set(socket.id, socket);
  socket.on("disconnect", () => sockets.delete(socket.id));
  socket.onAny((ev, ...args) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const id = ++ackSeq;
      acks.set(id, last);
      args[args.length - 1] = { __ack: id };
    }
    const before = log.length;
    const ret = sb.call(ev, socket.id, args);
    log.push(["handler-returned", ret, "emits-during-call", log.length - before]);
  });
});
await new Promise((r) => http.listen(0, r));
const url = `http://localhost:${http.address().port}`;
const a = ioc(url),
  b = ioc(url);
await Promise.all([a, b].map((c) => new Promise((r) => c.on("connect", r))));
const got = {};
a.on("welcome", (d) => (got.welcomeA = d));
b.on("joined", (d) => (got.joinedSeenByB = d));
a.on("joined", (d) => (got.joinedSeenByA_shouldNotHappen = d));
b.emit("hello", { x: 1 }, () => {}); // b joins room1 first so that a's to("room1") reaches b
await new Promise((r) => setTimeout(r, 50));
delete got.joinedSeenByB;
const ackResult = await a.timeout(2000).emitWithAck("hello", { x: 2 });
await new Promise((r) => setTimeout(r, 50));
console.log(JSON.stringify({ engine, got, ackResult, log }, null, 1));
a.close();
b.close();
io.close();
sb.dispose();
process.exit(0);
