// Shared helpers: learner module source, sandbox bootstrap, sandbox factories for both candidates.
import ivm from "isolated-vm";
import { newQuickJSWASMModuleFromVariant } from "quickjs-emscripten-core";
import variant from "@jitl/quickjs-wasmfile-release-sync";

// A small learner module, as tsc would emit it (CommonJS).
export const SMALL_MODULE = `
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ping = ping;
exports.join = join;
exports.chat = chat;
function ping(socket, data) { socket.emit("pong", { n: data.n + 1, ok: true }); }
function join(socket, room) { socket.join(room); return socket.rooms; }
function chat(socket, msg) { socket.to(msg.room).emit("chat", { from: socket.id, text: msg.text }); }
`;

// A ~50-line module for start-time measurement.
export const MODULE_50 =
  SMALL_MODULE +
  Array.from(
    { length: 11 },
    (_, i) => `
function helper${i}(a, b) {
  const out = [];
  for (let k = 0; k < a.length; k++) out.push({ k, v: a[k] * ${i} + (b || 0) });
  return out;
}
exports.h${i} = helper${i};`,
  ).join("");

// Bootstrap evaluated inside the sandbox. __hostEmit/__hostEmitTo/__hostJoin/__hostRooms are host functions.
// json=true: data crosses the boundary as JSON strings (used for quickjs).
export function bootstrap(learner, json) {
  const enc = json ? "JSON.stringify" : "";
  return `
var module = { exports: {} };
var __timers = new Map(), __tid = 0;
function setTimeout(fn, ms) { var id = ++__tid; __timers.set(id, fn); __hostSetTimeout(id, ms | 0); return id; }
function clearTimeout(id) { __timers.delete(id); }
function __fireTimer(id) { var f = __timers.get(id); __timers.delete(id); if (f) f(); }
function __wrapArgs(args) { return args.map(function (a) { return a && typeof a === "object" && a.__ack ? function () { __hostAck(a.__ack, ${enc}(Array.prototype.slice.call(arguments))); } : a; }); }
(function (module, exports) {${learner}
})(module, module.exports);
function __makeSocket(id) {
  return {
    id,
    emit(ev, data) { __hostEmit(id, ev, ${enc}(data)); },
    to(room) { return { emit(ev, data) { __hostEmitTo(id, room, ev, ${enc}(data)); } }; },
    join(room) { __hostJoin(id, room); },
    get rooms() { return ${json ? "JSON.parse(__hostRooms(id))" : "__hostRooms(id)"}; },
  };
}
var __dispatch = ${
    json
      ? `function (ev, id, argsJson) { var r = module.exports[ev].apply(null, [__makeSocket(id)].concat(__wrapArgs(JSON.parse(argsJson)))); return r === undefined ? undefined : JSON.stringify(r); }`
      : `function (ev, id, args) { return module.exports[ev].apply(null, [__makeSocket(id)].concat(__wrapArgs(args))); }`
  };
`;
}

// Host side "socket registry" stand-in: real code would look up the socket.io Socket by id.
export function makeHost() {
  const host = { count: 0, last: null, rooms: new Map() };
  host.emit = (id, ev, data) => {
    host.count++;
    host.last = data;
  };
  host.emitTo = (id, room, ev, data) => {
    host.count++;
    host.last = data;
  };
  host.join = (id, room) => {
    if (!host.rooms.has(id)) host.rooms.set(id, new Set([id]));
    host.rooms.get(id).add(room);
  };
  host.getRooms = (id) => [...(host.rooms.get(id) ?? [id])];
  host.setTimeout = (fire, id, ms) => setTimeout(() => fire(id), ms);
  host.ack = (_ackId, _args) => {};
  return host;
}

// ---- native baseline ----
export function createNative(learner, host) {
  const module = { exports: {} };
  new Function("module", "exports", learner)(module, module.exports);
  const mk = (id) => ({
    id,
    emit: (ev, d) => host.emit(id, ev, d),
    to: (room) => ({ emit: (ev, d) => host.emitTo(id, room, ev, d) }),
    join: (room) => host.join(id, room),
    get rooms() {
      return host.getRooms(id);
    },
  });
  return { call: (ev, id, args) => module.exports[ev](mk(id), ...args), dispose() {} };
}

// ---- isolated-vm ----
export function createIvm(learner, host, { memoryLimit = 32, timeout = 50, loadTimeout = 1000 } = {}) {
  const isolate = new ivm.Isolate({ memoryLimit });
  const context = isolate.createContextSync();
  const g = context.global;
  g.setSync(
    "__hostEmit",
    new ivm.Callback((id, ev, d) => {
      host.emit(id, ev, d);
    }),
  );
  g.setSync(
    "__hostEmitTo",
    new ivm.Callback((id, room, ev, d) => {
      host.emitTo(id, room, ev, d);
    }),
  );
  g.setSync(
    "__hostJoin",
    new ivm.Callback((id, room) => {
      host.join(id, room);
    }),
  );
  g.setSync("__hostRooms", new ivm.Callback((id) => host.getRooms(id)));
  let fire;
  g.setSync(
    "__hostSetTimeout",
    new ivm.Callback((id, ms) => {
      host.setTimeout((t) => fire.applySync(undefined, [t], { timeout }), id, ms);
    }),
  );
  g.setSync(
    "__hostAck",
    new ivm.Callback((ackId, args) => {
      host.ack(ackId, args);
    }),
  );
  context.evalSync(bootstrap(learner, false), { timeout: loadTimeout });
  const dispatch = g.getSync("__dispatch", { reference: true });
  const T = timeout ? { timeout } : {}; // timeout: 0 => no per-call timeout
  fire = g.getSync("__fireTimer", { reference: true });
  return {
    isolate,
    context,
    dispatch,
    call: (ev, id, args) => dispatch.applySync(undefined, [ev, id, args], { arguments: { copy: true }, result: { copy: true }, ...T }),
    callAsync: (ev, id, args) => dispatch.apply(undefined, [ev, id, args], { arguments: { copy: true }, result: { copy: true }, ...T }),
    dispose() {
      dispatch.release();
      context.release();
      isolate.dispose();
    },
  };
}

// ---- quickjs ----
export async function newQjsModule() {
  return newQuickJSWASMModuleFromVariant(variant);
}

export function createQjs(
  qjsModule,
  learner,
  host,
  { memoryLimit = 32 * 1024 * 1024, timeout = 50, loadTimeout = 1000, stack = 256 * 1024 } = {},
) {
  const runtime = qjsModule.newRuntime();
  runtime.setMemoryLimit(memoryLimit);
  runtime.setMaxStackSize(stack);
  let deadline = Infinity;
  runtime.setInterruptHandler(() => Date.now() > deadline);
  const ctx = runtime.newContext();
  const fn = (name, impl) => {
    const h = ctx.newFunction(name, impl);
    ctx.setProp(ctx.global, name, h);
    h.dispose();
  };
  fn("__hostEmit", (id, ev, d) => {
    host.emit(ctx.getString(id), ctx.getString(ev), JSON.parse(ctx.getString(d)));
  });
  fn("__hostEmitTo", (id, room, ev, d) => {
    host.emitTo(ctx.getString(id), ctx.getString(room), ctx.getString(ev), JSON.parse(ctx.getString(d)));
  });
  fn("__hostJoin", (id, room) => {
    host.join(ctx.getString(id), ctx.getString(room));
  });
  fn("__hostRooms", (id) => ctx.newString(JSON.stringify(host.getRooms(ctx.getString(id)))));
  let fire;
  fn("__hostSetTimeout", (id, ms) => {
    host.setTimeout(
      (t) => {
        const tH = ctx.newNumber(t);
        try {
          ctx.unwrapResult(run(() => ctx.callFunction(fire, ctx.undefined, tH))).dispose();
        } finally {
          tH.dispose();
        }
      },
      ctx.getNumber(id),
      ctx.getNumber(ms),
    );
  });
  fn("__hostAck", (ackId, args) => {
    host.ack(ctx.getNumber(ackId), JSON.parse(ctx.getString(args)));
  });
  const run = (f, ms = timeout) => {
    deadline = Date.now() + ms;
    try {
      return f();
    } finally {
      deadline = Infinity;
    }
  };
  run(() => ctx.unwrapResult(ctx.evalCode(bootstrap(learner, true), "learner.js")).dispose(), loadTimeout);
  const dispatch = ctx.getProp(ctx.global, "__dispatch");
  fire = ctx.getProp(ctx.global, "__fireTimer");
  return {
    runtime,
    ctx,
    setDeadline: (ms) => {
      deadline = Date.now() + ms;
    },
    call(ev, id, args) {
      const evH = ctx.newString(ev),
        idH = ctx.newString(id),
        aH = ctx.newString(JSON.stringify(args));
      try {
        const r = run(() => ctx.callFunction(dispatch, ctx.undefined, evH, idH, aH));
        const h = ctx.unwrapResult(r);
        const s = ctx.typeof(h) === "string" ? ctx.getString(h) : undefined;
        h.dispose();
        return s === undefined ? undefined : JSON.parse(s);
      } finally {
        evH.dispose();
        idH.dispose();
        aH.dispose();
      }
    },
    dispose() {
      dispatch.dispose();
      fire.dispose();
      ctx.dispose();
      runtime.dispose();
    },
  };
}

export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: med, min: s[0], max: s[s.length - 1], runs: s.length };
}
