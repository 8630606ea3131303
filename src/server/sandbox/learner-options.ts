import type { LessonServerOptions } from "../../lessons/lab-context.js";

/** The options a learner's code may set, each within the lab's range. */
const RANGES = {
  pingInterval: { min: 500, max: 30_000 },
  pingTimeout: { min: 500, max: 20_000 },
  maxDisconnectionDuration: { min: 1000, max: 120_000 },
} as const;

export interface ClampedOptions {
  options: LessonServerOptions;
  /** One sentence per option the lab changed or ignored, for the server log and the page. */
  notes: string[];
}

function clamp(name: string, value: unknown, range: { min: number; max: number }, notes: string[]): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) {
    notes.push(`${name} must be a number: the lab ignores ${JSON.stringify(value)?.slice(0, 40)}.`);
    return undefined;
  }
  const clamped = Math.min(range.max, Math.max(range.min, number));
  if (clamped !== number)
    notes.push(`${name} ${number} is outside the lab's range (${range.min} to ${range.max}): the lab uses ${clamped}.`);
  return clamped;
}

/**
 * The learner's `export const options`, held to what a lab allows: the options the lessons teach, each
 * clamped to the lab's range (maxHttpBufferSize to the playground's payload cap), and nothing else.
 */
export function clampLearnerOptions(raw: unknown, maxPayloadBytes: number): ClampedOptions {
  const notes: string[] = [];
  const input = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const options: LessonServerOptions = {};
  const pingInterval = clamp("pingInterval", input.pingInterval, RANGES.pingInterval, notes);
  const pingTimeout = clamp("pingTimeout", input.pingTimeout, RANGES.pingTimeout, notes);
  const maxHttpBufferSize = clamp("maxHttpBufferSize", input.maxHttpBufferSize, { min: 1024, max: maxPayloadBytes }, notes);
  if (pingInterval !== undefined) options.pingInterval = pingInterval;
  if (pingTimeout !== undefined) options.pingTimeout = pingTimeout;
  if (maxHttpBufferSize !== undefined) options.maxHttpBufferSize = maxHttpBufferSize;
  const recovery = input.connectionStateRecovery;
  if (recovery && typeof recovery === "object") {
    const { maxDisconnectionDuration, skipMiddlewares } = recovery as Record<string, unknown>;
    const window = clamp(
      "connectionStateRecovery.maxDisconnectionDuration",
      maxDisconnectionDuration ?? 120_000,
      RANGES.maxDisconnectionDuration,
      notes,
    );
    options.connectionStateRecovery = { maxDisconnectionDuration: window ?? 120_000, skipMiddlewares: skipMiddlewares !== false };
  }
  for (const name of Object.keys(input)) {
    if (!["pingInterval", "pingTimeout", "maxHttpBufferSize", "connectionStateRecovery"].includes(name)) {
      notes.push(`The lab sets ${name.slice(0, 40)} itself: your value is ignored.`);
    }
  }
  return { options, notes };
}
