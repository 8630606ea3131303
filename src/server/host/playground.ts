import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { PlaygroundLimits } from "../config.js";
import { LabRegistry } from "../lab/lab-registry.js";
import { isHandshake, parseLabRequest, type LabRequest } from "../lab/lab-request.js";
import type { Lab } from "../lab/lab.js";
import type { LessonLab } from "../lesson-lab.js";
import { createControlApi } from "./control-api.js";
import { sendError } from "../http-json.js";
import type { PeerDirectory } from "./peers.js";
import { AddressQuotas, refuseUpgrade, sendQuotaRefusal, type QuotaRefusal } from "./address-quotas.js";
import { hostCheck, type HostCheck } from "./allowed-hosts.js";
import { OpenConnections, type AddressConnection } from "./open-connections.js";
import type { QuotaStore } from "./quota-store.js";
import { setSecurityHeaders } from "./security-headers.js";
import { SANDBOX_PAGE_PATH, serveSandboxPage } from "./sandbox-page.js";

export interface Playground {
  labs: LabRegistry;
  /** Answers /api and /labs requests; hands anything else to `next` (the site). */
  handleRequest(req: IncomingMessage, res: ServerResponse, next: () => void): void;
  /** Takes an upgrade aimed at a lab and returns true; returns false for anything else (e.g. Vite's HMR). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

// Listeners every connection under /labs/ gets, the same functions for all: a closure made per connection
// would keep its whole scope (the request, the upgrade's head) in the heap as long as the socket lives.
const COUNTED = Symbol("the address count this request or socket holds until it closes");
type Closing = { on(event: "close", listener: () => void): unknown; [COUNTED]?: AddressConnection };

function closeCounted(this: Closing): void {
  this[COUNTED]?.close();
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const query = raw.indexOf("?");
  return query === -1 ? raw : raw.slice(0, query);
}

/** A page of a rebound DNS name reaches this server under a name it never gave out. */
function hostRefusal(host: string | undefined): string {
  const name = (host ?? "").slice(0, 100);
  return `This server does not answer for the host "${name}". Its operator can allow it in PLAYGROUND_ALLOWED_HOSTS.`;
}

/**
 * The one dispatcher in front of every lab: a request or upgrade is routed by its path, with one map lookup,
 * whatever the number of labs. No lab adds listeners to the HTTP server.
 */
export function createPlayground(
  lessons: ReadonlyMap<string, LessonLab>,
  limits: PlaygroundLimits,
  dataDir?: string,
  peers?: PeerDirectory,
  trustProxy: readonly string[] = [],
  allowsHost: HostCheck = hostCheck(undefined, undefined),
  /** With several processes, the Redis their quota buckets share; none, each counts its own in memory. */
  quotaStore?: QuotaStore,
): Playground {
  const labs = new LabRegistry(lessons, limits, dataDir, peers?.labPrefix ?? "");
  const quotas = new AddressQuotas(limits, trustProxy, quotaStore);
  const handleApi = createControlApi(labs, quotas, peers && { peers, rememberMs: limits.labIdleMs });
  const connections = new OpenConnections(limits);

  /**
   * Every request and upgrade under /labs/ counts against its address until it closes (`closing` says when);
   * past the address's caps it is refused at once, before it costs anything else.
   */
  function countConnection(req: IncomingMessage, closing: Closing): AddressConnection | QuotaRefusal {
    const address = quotas.addressOf(req);
    const refusal = connections.refusal(address);
    if (refusal) return refusal;
    const connection = connections.open(address);
    // Held from the start: until the lab has it, a connection waits on the quotas, and a burst of them must
    // not slip past the cap before the first is counted. The lab's link takes over once it has it.
    connection.tally.held();
    closing[COUNTED] = connection;
    closing.on("close", closeCounted);
    return connection;
  }

  /**
   * A new connection (Engine.IO handshake) and a new client name each cost the address a quota; the rest of
   * a session's requests cost nothing, and pass without waiting. Calls `admitted` with the lab if it is still
   * open by then, else `refused`, with the refusal or nothing (the lab closed meanwhile).
   */
  function admit(
    req: IncomingMessage,
    lab: Lab,
    request: LabRequest,
    admitted: (lab: Lab) => void,
    refused: (refusal: QuotaRefusal | undefined) => void,
  ): void {
    const handshake = isHandshake(request);
    const newLink = lab.makesLink(request.client);
    if (!handshake && !newLink) return admitted(lab);
    const address = quotas.addressOf(req);
    void (async () => {
      const refusal = (handshake && (await quotas.take(address, "handshakes"))) || (newLink && (await quotas.take(address, "links")));
      if (refusal) return refused(refusal);
      const still = labs.get(lab.id);
      if (still) admitted(still);
      else refused(undefined);
    })();
  }

  return {
    labs,
    handleRequest(req, res, next) {
      const path = pathOf(req.url);
      setSecurityHeaders(res, path);
      if (!allowsHost(req.headers.host)) return sendError(res, 421, "host_not_allowed", hostRefusal(req.headers.host));
      if (path.startsWith("/api/")) return handleApi(req, res, path);
      if (path === SANDBOX_PAGE_PATH) return serveSandboxPage(req, res);
      if (!path.startsWith("/labs/")) return next();
      const counted = countConnection(req, res);
      if ("message" in counted) return sendQuotaRefusal(res, counted);
      // Parsed once: the lab, its client's link and its log read this, not the URL. Which paths under
      // `/labs/<id>/` a lab serves is the lab's to say.
      const request = parseLabRequest(req.url);
      const lab = request && labs.get(request.id);
      const notFound = () => sendError(res, 404, "lab_not_found", "No lab has that id: it may have been evicted after sitting idle.");
      if (lab && request) {
        if (!lab.serves(request.path, false)) return notFound();
        return admit(
          req,
          lab,
          request,
          (open) => {
            counted.tally.released();
            open.handleRequest(req, res, request, counted.tally);
          },
          (refusal) => (refusal ? sendQuotaRefusal(res, refusal) : notFound()),
        );
      }
      if (!request || !peers) return notFound();
      counted.tally.released();
      peers.forwardRequest(request.id, req, res, notFound);
    },
    handleUpgrade(req, socket, head) {
      const path = pathOf(req.url);
      if (!path.startsWith("/labs/")) return false;
      // Node stops listening for errors on an upgrading socket; one reset while the upgrade waits (for a peer's
      // address, or for a lab's backend to start) would otherwise be an uncaught exception.
      socket.on("error", destroyOnError);
      if (!allowsHost(req.headers.host)) {
        socket.end("HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return true;
      }
      const counted = countConnection(req, socket);
      if ("message" in counted) {
        refuseUpgrade(socket, counted);
        return true;
      }
      const request = parseLabRequest(req.url);
      const lab = request && labs.get(request.id);
      const notFound = () => {
        const body = JSON.stringify({ error: { code: "lab_not_found", message: "No lab has that id." } });
        socket.end(
          `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      };
      if (lab && request && lab.serves(request.path, true)) {
        admit(
          req,
          lab,
          request,
          (open) => {
            counted.tally.released();
            open.handleUpgrade(req, socket, head, request, counted.tally);
          },
          (refusal) => (refusal ? refuseUpgrade(socket, refusal) : notFound()),
        );
      } else if (lab || !request || !peers) notFound();
      else {
        counted.tally.released();
        peers.forwardUpgrade(request.id, req, socket, head, notFound);
      }
      return true;
    },
    close: () => labs.close(),
  };
}
