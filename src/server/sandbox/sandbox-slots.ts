/**
 * Labs running learner code on this host at once. Each holds a WebAssembly instance of up to its memory
 * limit, so their number is what bounds the host's memory for sandboxes: past it, a new run is refused
 * (503) until one stops.
 */
let running = 0;

export function takeSandboxSlot(max: number): (() => void) | undefined {
  if (running >= max) return undefined;
  running += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    running -= 1;
  };
}

export function sandboxesRunning(): number {
  return running;
}
