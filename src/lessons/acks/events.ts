/** The Acknowledgements lesson's events, typed once for both sides. */

/** What a broadcast poll collected: the error, if any, and one answer per client that replied in time. */
export interface PollResult {
  error: string | null;
  responses: unknown[];
}

export interface ClientToServerEvents {
  /** Request and response: the server answers with the sum, after the lab's "Server delay". */
  add: (a: number, b: number, ack: (sum: number) => void) => void;
  /** Ask the server to ask you: it emits `question` to you and waits for your answer. */
  "ask me": (ack: (answer: unknown) => void) => void;
  /** Ask the server to poll every client with `vote`, with a timeout (or, to see why it is needed, without). */
  poll: (withTimeout: boolean, ack: (result: PollResult) => void) => void;
}

export interface ServerToClientEvents {
  /** The server asks one client, and waits for its answer. */
  question: (text: string, answer: (reply: unknown) => void) => void;
  /** The server asks every client at once. */
  vote: (text: string, answer: (choice: unknown) => void) => void;
}
