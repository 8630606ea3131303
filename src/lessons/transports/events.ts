/** The Transports lesson's events, typed once for both sides. */
export interface ClientToServerEvents {
  /** Asks the server for `count` `news` events in a row, to see how each transport carries them. */
  burst: (count: number) => void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any other event is relayed with the sender's arguments
  [event: string]: (...args: any[]) => void;
}

export interface ServerToClientEvents {
  news: (n: number, of: number) => void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- relayed unchanged, so typed as the sender sent them
  [event: string]: (...args: any[]) => void;
}

/** The most `news` events one `burst` may ask for. */
export const MAX_BURST = 10;
