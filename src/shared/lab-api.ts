/** The shapes the HTTP control API speaks (docs/lab-api.md), shared by the server, the page and the tests. */

export interface LabLimits {
  maxClientsPerLab: number;
  maxEventsPerSecond: number;
  maxPayloadBytes: number;
  labIdleMs: number;
}

export interface LabInfo {
  id: string;
  lesson: string;
  /** The Socket.IO `path` option a client passes to reach this lab on the site's origin. */
  path: string;
  /** Where the lab serves its lesson's plain HTTP routes, e.g. `<httpPath>/tick`. */
  httpPath: string;
  /** Server-sent events stream of the lab's server log. */
  logUrl: string;
  server: {
    pingInterval: number;
    pingTimeout: number;
    connectionStateRecovery: false | { maxDisconnectionDuration: number };
  };
  limits: LabLimits;
  /** The lesson's live settings, e.g. how long the server waits before it acks. */
  settings: LabSetting[];
}

export interface LabSetting {
  name: string;
  label: string;
  min: number;
  max: number;
  default: number;
  value: number;
}

export interface ApiError {
  error: { code: string; message: string };
}

/** What the lab sends a client, as the `lab:error` event, right before it refuses or disconnects it. */
export interface LabErrorPayload {
  code: "rate_limited" | "lab_full" | "too_many_rooms";
  message: string;
}

export const LAB_ERROR_EVENT = "lab:error";
