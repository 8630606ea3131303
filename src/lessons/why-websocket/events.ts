/**
 * The Why WebSocket lesson's feed: one counter on the server, read two ways. The same `Tick` arrives as the
 * JSON body of `GET <lab>/http/tick` (polling) and as the `tick` event (push).
 */
export interface Tick {
  /** The counter: it goes up by one each time the server's value changes. */
  n: number;
  /** When the value changed, by the server's clock (ms since 1970). */
  changedAt: number;
  /** When the server sent it to you, by the same clock: `sentAt - changedAt` is how stale it was. */
  sentAt: number;
}

export interface ServerToClientEvents {
  tick: (tick: Tick) => void;
}

// The client only listens in this lesson.
export type ClientToServerEvents = Record<string, never>;
