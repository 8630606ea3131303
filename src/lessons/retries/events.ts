/** The Retries and exactly-once lesson's events, typed once for both sides. */

/** A chat message as a client sends it; `id` (a crypto.randomUUID()) makes a retry recognisable. */
export interface OutgoingMessage {
  text: string;
  id?: string;
}

/** The server's acknowledgement: stored now, or already stored by an earlier try of the same id. */
export interface StoreAck {
  stored: boolean;
  duplicate: boolean;
}

export interface ServerStats {
  stored: number;
  duplicatesRejected: number;
}

/** One distinct message text in the database, and how many rows hold it (more than one is a duplicate). */
export interface StoredRow {
  text: string;
  copies: number;
}

export interface ClientToServerEvents {
  message: (message: OutgoingMessage, ack: (result: StoreAck) => void) => void;
  stats: (ack: (stats: ServerStats & { rows: StoredRow[] }) => void) => void;
}

export interface ServerToClientEvents {
  message: (message: { from: string; text: string }) => void;
}
