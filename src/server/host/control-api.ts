import type { IncomingMessage, ServerResponse } from "node:http";
import type { LabRegistry } from "../lab/lab-registry.js";
import type { FaultResult, Lab } from "../lab/lab.js";
import { parseLinkChange } from "./link-change.js";
import { parsePacketFault } from "../../shared/packet-fault-parse.js";
import { PACKET_FAULT_LIMITS } from "../../shared/packet-faults.js";
import { isSameOrigin } from "../lab/origin.js";
import type { NumberedEntry } from "../lab/server-log.js";
import { RequestBodyError, readJsonBody, sendError, sendJson } from "../http-json.js";
import { forwardJson } from "../proxy.js";
import { QuietLog } from "../quiet-log.js";
import type { PeerDirectory } from "./peers.js";
import { lessonDirectory, lessonSource } from "../sandbox/lesson-source.js";
import { sendQuotaRefusal, type AddressQuotas, type QuotaRefusal } from "./address-quotas.js";
import { compileForExport, EXPORT_COMPILE_PATH } from "../scenario-export/compile-route.js";

/** With several playground processes: the other processes, and how long a learner's lab is remembered. */
export interface ControlApiPeers {
  peers: PeerDirectory;
  /** As long as an idle lab lives. */
  rememberMs: number;
}

/** A learner id is a random token the browser made; it only scopes labs, so its shape is all we check. */
const LEARNER_ID = /^[A-Za-z0-9_-]{16,128}$/;
const MAX_BODY_BYTES = 4096;
const PACKET_FAULT_BODY_BYTES = 16 * 1024;
/** Comment lines on the log stream keep idle proxies from closing it. */
const LOG_KEEPALIVE_MS = 25_000;
const INSPECTOR_DEBOUNCE_MS = 150;
/** Log streams one lab may have open at once (a few tabs), and how far a stream may fall behind its reader. */
const MAX_STREAMS_PER_LAB = 8;
const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024;

/**
 * The HTTP control API under /api (docs/lab-api.md). The page, the tests and anyone's scripts all use it.
 * Returns false for paths outside /api so the host can pass them on.
 */
export function createControlApi(labs: LabRegistry, quotas: AddressQuotas, cluster?: ControlApiPeers) {
  const streams = new WeakMap<Lab, number>();
  const log = new QuietLog();
  async function createLab(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req, MAX_BODY_BYTES);
    const { lesson, learner } = (body ?? {}) as { lesson?: unknown; learner?: unknown };
    if (typeof lesson !== "string") {
      return sendError(res, 400, "invalid_lesson", 'Give the lesson slug as "lesson", e.g. {"lesson":"emit"}.');
    }
    if (typeof learner !== "string" || !LEARNER_ID.test(learner)) {
      return sendError(res, 400, "invalid_learner", 'Give a learner id as "learner": 16 to 128 letters, digits, "-" or "_".');
    }
    // A learner who already has this lesson's lab on another process goes back to it, wherever they landed.
    const peers = cluster?.peers;
    const known = peers && !labs.hasLearner(lesson, learner) ? await peers.labFor(learner, lesson) : undefined;
    const elsewhere = known === undefined ? undefined : await peers?.holderOf(known);
    const openHere = () => openLab(req, res, lesson, learner);
    if (known !== undefined && elsewhere) {
      return forwardJson(req, res, elsewhere, "/api/labs", { lesson, learner }, () => {
        // That process stopped since: the learner gets a fresh lab here.
        peers?.lost(known);
        void openHere().catch(() => sendError(res, 500, "internal", "The server failed to answer this request."));
      });
    }
    await openHere();
  }

  /** A new lab costs its opener's address one lab, and a Scaling lab its node processes too; reopening one is free. */
  async function newLabRefusal(req: IncomingMessage, lesson: string, learner: string): Promise<QuotaRefusal | "at_cap" | undefined> {
    const lessonLab = labs.lesson(lesson);
    if (!lessonLab || labs.hasLearner(lesson, learner)) return undefined;
    const address = quotas.addressOf(req);
    // Checked before the per-minute quotas too, so that asking while at the cap does not spend them.
    if (lessonLab.processes && labs.processesHeldBy(address) + lessonLab.processes > labs.maxProcessesPerAddress) return "at_cap";
    const refusal = await quotas.take(address, "labs");
    if (refusal || !lessonLab.processes) return refusal;
    return quotas.take(address, "labProcesses", lessonLab.processes);
  }

  async function openLab(req: IncomingMessage, res: ServerResponse, lesson: string, learner: string): Promise<void> {
    const refusal = await newLabRefusal(req, lesson, learner);
    if (refusal === "at_cap") return sendError(res, 429, "address_process_limit", processCapMessage(labs));
    if (refusal) return sendQuotaRefusal(res, refusal);
    const result = labs.open(lesson, learner, quotas.addressOf(req));
    // Not awaited: a slow or absent Redis must not hold the learner's lab back.
    if (result.ok && cluster?.peers) void cluster.peers.rememberLab(learner, lesson, result.lab.id, cluster.rememberMs);
    if (!result.ok) {
      if (result.reason === "unknown_lesson") {
        return sendError(res, 404, "lesson_not_found", `There is no lab for a lesson called "${lesson.slice(0, 64)}".`);
      }
      if (result.reason === "address_process_limit") return sendError(res, 429, "address_process_limit", processCapMessage(labs));
      if (result.reason === "process_limit") {
        return sendError(
          res,
          503,
          "process_limit",
          "The playground runs as many multi-node labs as it allows. Try again in a few minutes.",
        );
      }
      return sendError(res, 503, "lab_limit", "The playground is at its limit of labs. Try again in a few minutes.");
    }
    sendJson(res, result.created ? 201 : 200, result.lab.info());
  }

  function streamLog(req: IncomingMessage, res: ServerResponse, lab: Lab): void {
    const open = streams.get(lab) ?? 0;
    if (open >= MAX_STREAMS_PER_LAB) {
      return sendError(res, 429, "too_many_streams", `This lab already has ${MAX_STREAMS_PER_LAB} open log streams. Close a tab first.`);
    }
    streams.set(lab, open + 1);
    res.once("close", () => {
      const left = (streams.get(lab) ?? 1) - 1;
      if (left > 0) streams.set(lab, left);
      else streams.delete(lab);
    });
    // A reader that stops reading must not make the server keep everything for it.
    const write = (text: string) => {
      if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) return void res.destroy();
      res.write(text);
    };
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    const send = ({ seq, entry }: NumberedEntry) => write(`id: ${seq}\ndata: ${JSON.stringify(entry)}\n\n`);
    // EventSource sends Last-Event-ID when it reconnects: replay only what it missed.
    const lastSeen = Number(req.headers["last-event-id"] ?? 0);
    for (const numbered of lab.log.since(Number.isFinite(lastSeen) ? lastSeen : 0)) send(numbered);
    // The inspector rides on the same stream: a fresh snapshot shortly after anything changes, at most a few a second.
    let snapshotTimer: NodeJS.Timeout | undefined;
    const sendSnapshot = () => {
      snapshotTimer = undefined;
      write(`event: inspector\ndata: ${JSON.stringify(lab.inspect())}\n\n`);
    };
    const snapshotSoon = () => {
      snapshotTimer ??= setTimeout(sendSnapshot, INSPECTOR_DEBOUNCE_MS);
    };
    sendSnapshot();
    const unsubscribe = lab.log.subscribe((numbered) => {
      send(numbered);
      snapshotSoon();
    });
    const stopStateChanges = lab.onStateChange(snapshotSoon);
    const keepalive = setInterval(() => write(": keepalive\n\n"), LOG_KEEPALIVE_MS);
    const stopOnLabClose = lab.onClose(() => {
      stop();
      res.end();
    });
    function stop() {
      clearInterval(keepalive);
      clearTimeout(snapshotTimer);
      stopStateChanges();
      unsubscribe();
      stopOnLabClose();
    }
    req.on("close", stop);
  }

  async function clientFault(req: IncomingMessage, res: ServerResponse, lab: Lab, encodedName: string, action: string): Promise<void> {
    const name = clientNameIn(encodedName);
    if (name === undefined) return sendError(res, 400, "invalid_client", "The client name in the path is not valid URL encoding.");
    const method = req.method ?? "GET";
    let result: FaultResult<unknown>;
    if (action === "link" && method === "GET") {
      result = lab.link(name);
    } else if (action === "link" && method === "PUT") {
      const change = parseLinkChange(await readJsonBody(req, MAX_BODY_BYTES));
      if (typeof change === "string") return sendError(res, 400, "invalid_fault", change);
      result = lab.setLink(name, change);
    } else if (action === "drop" && method === "POST") {
      result = lab.drop(name);
    } else if (action === "kick" && method === "POST") {
      result = lab.kick(name);
    } else {
      return methodNotAllowed(res, action === "link" ? "GET, PUT" : "POST");
    }
    if (result.ok) return sendJson(res, 200, action === "kick" ? { kicked: result.value } : result.value);
    if (result.reason === "not_connected") {
      return sendError(res, 409, "not_connected", `${name} has no connected socket to kick.`);
    }
    sendError(res, 404, "client_not_found", `No client called "${name.slice(0, 32)}" has connected to this lab.`);
  }

  /** A client's packet faults (docs/lab-api.md, "Packet faults"): list, add, end one, end all. */
  async function packetFaults(req: IncomingMessage, res: ServerResponse, lab: Lab, encodedName: string, faultId: string | undefined) {
    const name = clientNameIn(encodedName);
    if (name === undefined) return sendError(res, 400, "invalid_client", "The client name in the path is not valid URL encoding.");
    const method = req.method ?? "GET";
    if (faultId !== undefined) {
      if (method !== "DELETE") return methodNotAllowed(res, "DELETE");
      if (!lab.endPacketFault(name, faultId)) {
        return sendError(
          res,
          404,
          "packet_fault_not_found",
          `${name.slice(0, 32)} has no packet fault "${faultId.slice(0, 32)}": it may have run out.`,
        );
      }
      return void res.writeHead(204).end();
    }
    if (method === "GET") return sendJson(res, 200, { faults: lab.packetFaults(name) });
    if (method === "DELETE") {
      lab.clearPacketFaults(name);
      return void res.writeHead(204).end();
    }
    if (method !== "POST") return methodNotAllowed(res, "GET, POST, DELETE");
    // Room for an over-long event name to be read, and refused with a reason (400) rather than a size (413).
    const fault = parsePacketFault(await readJsonBody(req, PACKET_FAULT_BODY_BYTES));
    if ("error" in fault) return sendError(res, 400, "invalid_packet_fault", fault.error);
    const result = lab.addPacketFault(name, fault);
    if (result.ok) return sendJson(res, 201, result.value);
    if (result.reason === "invalid_client") {
      return sendError(res, 400, "invalid_client", "A client name is 1 to 32 letters, digits, spaces, '-' or '_'.");
    }
    if (result.reason === "too_many_clients") {
      return sendError(res, 429, "too_many_clients", "This lab has seen too many client names with faults or connections still open.");
    }
    sendError(
      res,
      409,
      "too_many_packet_faults",
      `${name} already has ${PACKET_FAULT_LIMITS.maxFaults} packet faults, the most one client may have. End one first.`,
    );
  }

  /** PUT runs the learner's server code, DELETE goes back to the lesson's, GET says which runs (docs/lab-api.md). */
  async function serverCode(req: IncomingMessage, res: ServerResponse, lab: Lab, method: string): Promise<void> {
    if (method === "GET")
      return sendJson(res, 200, {
        ...lab.serverCode(),
        ...(lab.serverCode().source === "lesson" && { code: lessonSource(lab.lesson.slug) }),
      });
    if (method === "DELETE") return sendJson(res, 200, await lab.restoreLessonCode());
    if (method !== "PUT") return methodNotAllowed(res, "GET, PUT, DELETE");
    // Compiling and starting a sandbox is the dearest thing a visitor can ask for.
    const refusal = await quotas.take(quotas.addressOf(req), "serverCode");
    if (refusal) return sendQuotaRefusal(res, refusal);
    // The code travels as a JSON string: its escapes may take up to twice its bytes.
    const body = await readJsonBody(req, lab.limits.maxCodeBytes * 2 + 64);
    const code = (body as { code?: unknown } | undefined)?.code;
    if (typeof code !== "string") return sendError(res, 400, "invalid_code", 'Send {"code": "<your TypeScript>"}.');
    if (Buffer.byteLength(code) > lab.limits.maxCodeBytes) {
      return sendError(res, 413, "code_too_large", `Server code may be at most ${lab.limits.maxCodeBytes} bytes.`);
    }
    const result = await lab.runServerCode(code, lessonDirectory(lab.lesson.slug));
    if (result.ok) return sendJson(res, 200, { ...result.value, notes: result.notes });
    sendJson(res, result.status, {
      error: { code: result.error, message: result.message },
      ...(result.errors && { errors: result.errors }),
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? "GET";
    // Another site's page, or a sandboxed one (a code run), may send simple requests here without a CORS
    // preflight: a request that says where it comes from must come from this site.
    if (!isSameOrigin(req)) {
      return sendError(res, 403, "cross_origin", "The control API answers this site's own pages only.");
    }
    if (path === "/api/health") {
      return method === "GET" ? sendJson(res, 200, { status: "ok" }) : methodNotAllowed(res, "GET");
    }
    if (path === "/api/labs") {
      return method === "POST" ? createLab(req, res) : methodNotAllowed(res, "POST");
    }
    if (path === EXPORT_COMPILE_PATH) {
      if (method !== "POST") return methodNotAllowed(res, "POST");
      // Compiling is the dear half of "Run on my lab": it spends the same quota.
      const refusal = await quotas.take(quotas.addressOf(req), "serverCode");
      if (refusal) return sendQuotaRefusal(res, refusal);
      return compileForExport(req, res, { hasLesson: (slug) => labs.lesson(slug) !== undefined, maxCodeBytes: labs.limits.maxCodeBytes });
    }
    const match =
      /^\/api\/labs\/([^/]+)(?:\/(log|restart|inspect|settings|recovery|runs|nodes|server-code)|\/runs\/([A-Za-z0-9_-]{1,64})|\/clients\/([^/]+)\/(link|drop|kick)|\/clients\/([^/]+)\/packet-faults(?:\/([^/]+))?)?$/.exec(
        path,
      );
    if (!match) return sendError(res, 404, "not_found", `No API route at ${path.slice(0, 200)}.`);
    const [, id = "", labAction, runTicket, clientPart, clientAction, faultClient, faultId] = match;
    const lab = labs.get(id);
    if (!lab) {
      const notFound = () => sendError(res, 404, "lab_not_found", "No lab has that id: it may have been evicted after sitting idle.");
      return cluster ? cluster.peers.forwardRequest(id, req, res, notFound) : notFound();
    }
    lab.touch();
    if (labAction === "log") return method === "GET" ? streamLog(req, res, lab) : methodNotAllowed(res, "GET");
    if (labAction === "inspect") return method === "GET" ? sendJson(res, 200, lab.inspect()) : methodNotAllowed(res, "GET");
    if (labAction === "settings") {
      if (method !== "PUT") return methodNotAllowed(res, "PUT");
      const body = await readJsonBody(req, MAX_BODY_BYTES);
      if (!body || typeof body !== "object" || Array.isArray(body)) {
        return sendError(res, 400, "invalid_setting", 'Send a JSON object, e.g. {"delayMs": 2000}.');
      }
      const result = lab.setSettings(body as Record<string, unknown>);
      return result.ok ? sendJson(res, 200, result.value) : sendError(res, 400, "invalid_setting", result.reason);
    }
    if (labAction === "recovery") {
      if (method !== "PUT") return methodNotAllowed(res, "PUT");
      const recovery = parseRecovery(await readJsonBody(req, MAX_BODY_BYTES));
      if (typeof recovery === "string") return sendError(res, 400, "invalid_recovery", recovery);
      return sendJson(res, 200, await lab.setRecovery(recovery));
    }
    if (labAction === "nodes") {
      if (method !== "PUT") return methodNotAllowed(res, "PUT");
      const result = await lab.configure(await readJsonBody(req, MAX_BODY_BYTES));
      return result.ok ? sendJson(res, 200, result.value) : sendError(res, 400, "invalid_nodes", result.reason);
    }
    if (runTicket !== undefined) {
      if (method !== "DELETE") return methodNotAllowed(res, "DELETE");
      lab.revokeRunTicket(runTicket);
      res.writeHead(204).end();
      return;
    }
    if (labAction === "runs") {
      if (method !== "POST") return methodNotAllowed(res, "POST");
      const refusal = await quotas.take(quotas.addressOf(req), "runs");
      if (refusal) return sendQuotaRefusal(res, refusal);
      const issued = lab.issueRunTicket();
      if (!issued)
        return sendError(res, 429, "too_many_runs", "This lab has too many code runs under way. Stop one, or wait a few minutes.");
      return sendJson(res, 201, issued);
    }
    if (labAction === "server-code") return serverCode(req, res, lab, method);
    if (labAction === "restart") {
      if (method !== "POST") return methodNotAllowed(res, "POST");
      await lab.restart();
      return sendJson(res, 200, { restarted: true });
    }
    if (clientPart !== undefined && clientAction !== undefined) return clientFault(req, res, lab, clientPart, clientAction);
    if (faultClient !== undefined) return packetFaults(req, res, lab, faultClient, faultId);
    if (method === "GET") return sendJson(res, 200, lab.info());
    if (method === "DELETE") {
      await labs.delete(lab.id);
      res.writeHead(204).end();
      return;
    }
    methodNotAllowed(res, "GET, DELETE");
  }

  return function handleApi(req: IncomingMessage, res: ServerResponse, path: string): void {
    route(req, res, path).catch((error: unknown) => {
      if (error instanceof RequestBodyError && error.code === "body_aborted") {
        log.report("body_aborted", `control API: ${req.method ?? "?"} ${path.slice(0, 100)}: the request body was cut off`);
        return void res.destroy();
      }
      if (res.headersSent) return void res.destroy();
      if (error instanceof RequestBodyError) return sendError(res, error.status, error.code, error.message);
      // A bug: its stack the first time, then a count, however often a visitor sets it off.
      const message = error instanceof Error ? error.message : String(error);
      log.report(`internal ${message}`, `control API error: ${error instanceof Error && error.stack ? error.stack : message}`);
      sendError(res, 500, "internal", "The server failed to answer this request.");
    });
  };
}

/** An address holds as many Scaling lab processes as it may at once: they come back only as its labs close. */
function processCapMessage(labs: LabRegistry): string {
  const most = labs.maxProcessesPerAddress;
  return (
    `Your address already runs as many Scaling lab node processes as one address may at once (${most}; each Scaling lab runs two, ` +
    "and everyone behind the same network shares them). Close a Scaling lab, or wait until an idle one is closed, then try again."
  );
}

/** A client's name from its path segment, or undefined when the segment is not valid URL encoding. */
function clientNameIn(encodedName: string): string | undefined {
  try {
    return decodeURIComponent(encodedName);
  } catch {
    return undefined;
  }
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader("allow", allow);
  sendError(res, 405, "method_not_allowed", `Use ${allow} here.`);
}

/** `{"enabled": false}` or `{"enabled": true, "maxDisconnectionDuration": 15000}` (1 s to 10 min). */
function parseRecovery(body: unknown): { maxDisconnectionDuration: number } | false | string {
  const { enabled, maxDisconnectionDuration = 15_000 } = (body ?? {}) as { enabled?: unknown; maxDisconnectionDuration?: unknown };
  if (typeof enabled !== "boolean") return 'Send {"enabled": true|false}, and optionally "maxDisconnectionDuration" in ms.';
  if (!enabled) return false;
  if (typeof maxDisconnectionDuration !== "number" || !Number.isInteger(maxDisconnectionDuration)) {
    return '"maxDisconnectionDuration" must be a whole number of milliseconds.';
  }
  if (maxDisconnectionDuration < 1000 || maxDisconnectionDuration > 600_000) {
    return '"maxDisconnectionDuration" must be between 1000 and 600000 ms.';
  }
  return { maxDisconnectionDuration };
}
