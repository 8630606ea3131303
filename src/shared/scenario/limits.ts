/**
 * The caps of a scenario (docs/scenarios.md, "Caps"): a scenario comes from a link, a file or a script, so
 * it is hostile input, and every size and time in it is bounded. The schema checks the static ones; the
 * runner enforces the run's total time.
 */
export const SCENARIO_LIMITS = {
  /** The JSON text, in bytes (a shared link carries it, compressed, in the URL fragment). */
  maxJsonBytes: 32 * 1024,
  maxSteps: 200,
  maxClients: 6,
  /** One `wait` step, and any step's own `timeoutMs`. */
  maxWaitMs: 30_000,
  /** The sum of a scenario's `wait` steps' `ms`, and the runner's deadline for a whole run, setup included. */
  maxTotalMs: 120_000,
  /** What a step waits for when it does not say (an expectation, a connect, a join). */
  defaultTimeoutMs: 5_000,
  maxNameChars: 80,
  maxDescriptionChars: 2_000,
  maxEventChars: 64,
  /** One emit's arguments, as JSON. */
  maxArgsBytes: 4_096,
  /** The learner's server code in a scenario (the lab's own cap may be lower). */
  maxServerCodeBytes: 24 * 1024,
  maxRoomChars: 32,
  maxLabelChars: 32,
  /** A text an expectation looks for in a log line or a frame. */
  maxMatchChars: 200,
} as const;
