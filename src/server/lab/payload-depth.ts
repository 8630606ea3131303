/**
 * How deeply a payload may nest arrays and objects. Socket.IO's encoder walks payloads recursively (looking
 * for binary), so a 64 KB frame of `[[[[…]]]]` relayed by a handler overflows the stack: a crash for every
 * learner on the server. No lesson needs more than a handful of levels.
 */
export const MAX_PAYLOAD_DEPTH = 32;

/** True when the JSON text nests deeper than `max`; one pass, strings skipped, no parsing. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 92 /* \ */) i += 1;
      else if (char === 34 /* " */) inString = false;
    } else if (char === 34) {
      inString = true;
    } else if (char === 91 /* [ */ || char === 123 /* { */) {
      depth += 1;
      if (depth > max) return true;
    } else if (char === 93 /* ] */ || char === 125 /* } */) {
      depth -= 1;
    }
  }
  return false;
}
