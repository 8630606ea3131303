import type { ApiError, LabInfo, ScalingChange } from "../shared/lab-api.js";
import type { LinkState } from "../shared/network.js";
import type { ActivePacketFault, PacketFault } from "../shared/packet-faults.js";

async function call<T>(lab: LabInfo, path: string, method: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api/labs/${lab.id}${path}`, {
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

const client = (name: string) => `/clients/${encodeURIComponent(name)}`;

/** The lab's network controls, through the control API (docs/lab-api.md): the same calls anyone can script. */
export const labControl = {
  getLink: (lab: LabInfo, name: string) => call<LinkState>(lab, `${client(name)}/link`, "GET"),
  setLink: (lab: LabInfo, name: string, change: Partial<LinkState>) => call<LinkState>(lab, `${client(name)}/link`, "PUT", change),
  drop: (lab: LabInfo, name: string) => call<LinkState>(lab, `${client(name)}/drop`, "POST"),
  kick: (lab: LabInfo, name: string) => call<{ kicked: number }>(lab, `${client(name)}/kick`, "POST"),
  setRecovery: (lab: LabInfo, recovery: { enabled: boolean; maxDisconnectionDuration?: number }) =>
    call<LabInfo>(lab, "/recovery", "PUT", recovery),
  /** The Scaling lab's adapter, balancer and recovery; a changed adapter or recovery restarts its nodes. */
  configureNodes: (lab: LabInfo, change: ScalingChange) => call<LabInfo>(lab, "/nodes", "PUT", change),
  /** The client's packet faults (docs/lab-api.md, "Packet faults"). */
  packetFaults: async (lab: LabInfo, name: string) =>
    (await call<{ faults: ActivePacketFault[] }>(lab, `${client(name)}/packet-faults`, "GET")).faults,
  addPacketFault: (lab: LabInfo, name: string, fault: PacketFault) =>
    call<ActivePacketFault>(lab, `${client(name)}/packet-faults`, "POST", fault),
  endPacketFault: (lab: LabInfo, name: string, id: string) =>
    call<undefined>(lab, `${client(name)}/packet-faults/${encodeURIComponent(id)}`, "DELETE"),
  clearPacketFaults: (lab: LabInfo, name: string) => call<undefined>(lab, `${client(name)}/packet-faults`, "DELETE"),
  restart: (lab: LabInfo) => call<{ restarted: boolean }>(lab, "/restart", "POST"),
  setSettings: (lab: LabInfo, change: Record<string, number>) => call<Record<string, number>>(lab, "/settings", "PUT", change),
  /** A ticket that lets one sandboxed code run connect, as the client it names ("Code"). */
  runTicket: (lab: LabInfo) => call<{ ticket: string; client: string; expiresAt: number }>(lab, "/runs", "POST"),
  /** Gives a stopped run's ticket back. */
  endRun: async (lab: LabInfo, ticket: string) => {
    await fetch(`/api/labs/${lab.id}/runs/${encodeURIComponent(ticket)}`, { method: "DELETE" });
  },
};
