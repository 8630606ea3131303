import type { ApiError, LabInfo, ScalingChange } from "../shared/lab-api.js";
import type { LinkState } from "../shared/network.js";
import type { ActivePacketFault, PacketFault } from "../shared/packet-faults.js";

const client = (name: string) => `/clients/${encodeURIComponent(name)}`;

/**
 * The lab's network controls, through the control API (docs/lab-api.md): the same calls anyone can script.
 * `origin` is where the API is: "" (the page's own origin) in the browser, the host's base URL in Node.
 */
export function createLabControl(origin = "") {
  async function call<T>(lab: LabInfo, path: string, method: string, body?: unknown): Promise<T> {
    const response = await fetch(`${origin}/api/labs/${lab.id}${path}`, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // 204: done, nothing to read.
    if (response.status === 204) return undefined as T;
    const answer = (await response.json()) as T | ApiError;
    if (!response.ok) throw new Error((answer as ApiError).error?.message ?? `The lab answered ${response.status}.`);
    return answer as T;
  }
  return {
    getLink: (lab: LabInfo, name: string) => call<LinkState>(lab, `${client(name)}/link`, "GET"),
    setLink: (lab: LabInfo, name: string, change: Partial<LinkState>) => call<LinkState>(lab, `${client(name)}/link`, "PUT", change),
    drop: (lab: LabInfo, name: string) => call<LinkState>(lab, `${client(name)}/drop`, "POST"),
    kick: (lab: LabInfo, name: string) => call<{ kicked: number }>(lab, `${client(name)}/kick`, "POST"),
    /** The client's packet faults (docs/lab-api.md, "Packet faults"). */
    packetFaults: async (lab: LabInfo, name: string) =>
      (await call<{ faults: ActivePacketFault[] }>(lab, `${client(name)}/packet-faults`, "GET")).faults,
    /** A Socket.IO-aware fault on one client's link (src/shared/packet-faults.ts); answers it with its id. */
    addPacketFault: (lab: LabInfo, name: string, fault: PacketFault) =>
      call<ActivePacketFault>(lab, `${client(name)}/packet-faults`, "POST", fault),
    endPacketFault: (lab: LabInfo, name: string, faultId: string) =>
      call<unknown>(lab, `${client(name)}/packet-faults/${encodeURIComponent(faultId)}`, "DELETE"),
    clearPacketFaults: (lab: LabInfo, name: string) => call<unknown>(lab, `${client(name)}/packet-faults`, "DELETE"),
    setRecovery: (lab: LabInfo, recovery: { enabled: boolean; maxDisconnectionDuration?: number }) =>
      call<LabInfo>(lab, "/recovery", "PUT", recovery),
    /** The Scaling lab's adapter, balancer and recovery; a changed adapter or recovery restarts its nodes. */
    configureNodes: (lab: LabInfo, change: ScalingChange) => call<LabInfo>(lab, "/nodes", "PUT", change),
    restart: (lab: LabInfo) => call<{ restarted: boolean }>(lab, "/restart", "POST"),
    setSettings: (lab: LabInfo, change: Record<string, number>) => call<Record<string, number>>(lab, "/settings", "PUT", change),
    /** Runs the learner's server code on the lab in place of the lesson's handlers (docs/server-code.md). */
    runServerCode: (lab: LabInfo, code: string) => call<unknown>(lab, "/server-code", "PUT", { code }),
    /** Goes back to the lesson's own handlers. */
    restoreLessonCode: (lab: LabInfo) => call<unknown>(lab, "/server-code", "DELETE"),
    /** A ticket that lets one sandboxed code run connect, as the client it names ("Code"). */
    runTicket: (lab: LabInfo) => call<{ ticket: string; client: string; expiresAt: number }>(lab, "/runs", "POST"),
    /** Gives a stopped run's ticket back. */
    endRun: async (lab: LabInfo, ticket: string) => {
      await fetch(`${origin}/api/labs/${lab.id}/runs/${encodeURIComponent(ticket)}`, { method: "DELETE" });
    },
  };
}

export type LabControl = ReturnType<typeof createLabControl>;

/** The page's own: the control API on the page's origin. */
export const labControl: LabControl = createLabControl();
