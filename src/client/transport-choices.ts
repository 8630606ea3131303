/**
 * The transport setups a virtual client can start with: the `transports` option of each, whether a failed
 * first transport may fall back to the next (`tryAllTransports`), and the label the client panel shows.
 * The panel's choices and the client's options both come from this one list.
 */
export const TRANSPORT_CHOICES = {
  default: { label: "Polling, then WebSocket", transports: ["polling", "websocket"], tryAllTransports: false },
  websocket: { label: "WebSocket only", transports: ["websocket"], tryAllTransports: false },
  polling: { label: "Polling only", transports: ["polling"], tryAllTransports: false },
  "websocket-first": { label: "WebSocket, then polling", transports: ["websocket", "polling"], tryAllTransports: false },
  "websocket-first-try-all": {
    label: "WebSocket, then polling (tryAllTransports)",
    transports: ["websocket", "polling"],
    tryAllTransports: true,
  },
} as const satisfies Record<string, { label: string; transports: readonly ("polling" | "websocket")[]; tryAllTransports: boolean }>;

export type TransportChoice = keyof typeof TRANSPORT_CHOICES;

export const isTransportChoice = (value: string): value is TransportChoice => Object.hasOwn(TRANSPORT_CHOICES, value);
