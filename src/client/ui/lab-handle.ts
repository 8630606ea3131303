import type { LabInfo } from "../../shared/lab-api.js";
import type { LabSession } from "../lab-session.js";

/**
 * What a lab page shares with the parts that load later (the Scenarios region): its lab and its session,
 * published once the lab is open. The region loads on demand, maybe before or after the lab opens, so it
 * waits on a promise instead of reaching into lab-view's closure.
 */
export interface LabHandle {
  lab: LabInfo;
  session: LabSession;
  /** Adds a client as the Add client button does, with its panel. */
  addClient(name: string): void;
}

const handles = new WeakMap<HTMLElement, { promise: Promise<LabHandle>; resolve(handle: LabHandle): void }>();

function slot(root: HTMLElement) {
  let entry = handles.get(root);
  if (!entry) {
    let resolve!: (handle: LabHandle) => void;
    const promise = new Promise<LabHandle>((done) => (resolve = done));
    entry = { promise, resolve };
    handles.set(root, entry);
  }
  return entry;
}

export function publishLab(root: HTMLElement, handle: LabHandle): void {
  slot(root).resolve(handle);
}

/** The lab of a `[data-lab]` root, once it is open. */
export function labOf(root: HTMLElement): Promise<LabHandle> {
  return slot(root).promise;
}
