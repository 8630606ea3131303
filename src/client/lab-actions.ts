import type { LabControl } from "./lab-control.js";

/**
 * What the learner does in a lab, told to whoever listens (the scenario recorder): the client panel's emits,
 * connects, disconnects and transport choice, a lesson's join and leave and its own buttons' emits, the server
 * code box's runs (src/client/code/server-code.ts), and every control API call the page makes. The
 * control calls are tapped in one place, here, by wrapping the page's `labControl` methods; `untapped` keeps
 * the originals for the scenario runner, whose own calls are not the learner's.
 */
export type LabAction =
  | {
      type: "emit";
      client: string;
      event: string;
      args: unknown[];
      ack?: { style: "callback" | "emitWithAck"; timeoutMs?: number };
      volatile?: boolean;
      /** A lesson's live control (Emit's shared text: one emit per keystroke): a quick next one replaces it. */
      coalesce?: boolean;
    }
  | { type: "connect" | "disconnect"; client: string }
  /** The panel's transport choice: the client starts over with it. */
  | { type: "transport"; client: string; transport: string }
  | { type: "join" | "leave"; client: string; room: string }
  | { type: "control"; method: keyof LabControl; args: unknown[]; result: unknown };

const listeners = new Set<(action: LabAction) => void>();

export function reportLabAction(action: LabAction): void {
  for (const listener of [...listeners]) listener(action);
}

export function onLabAction(listener: (action: LabAction) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const originals = new WeakMap<LabControl, LabControl>();

/** Wraps each of `control`'s calls (once) so a successful call is reported; answers the unwrapped calls. */
export function tapLabControl(control: LabControl): LabControl {
  const known = originals.get(control);
  if (known) return known;
  const plain = { ...control };
  originals.set(control, plain);
  for (const method of Object.keys(plain) as (keyof LabControl)[]) {
    const call = plain[method] as (...args: unknown[]) => Promise<unknown>;
    (control as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const result = await call(...args);
      if (listeners.size) reportLabAction({ type: "control", method, args, result });
      return result;
    };
  }
  return plain;
}

/** The calls of `control` as they were before any tap: what the scenario runner uses. */
export function untapped(control: LabControl): LabControl {
  return originals.get(control) ?? control;
}
