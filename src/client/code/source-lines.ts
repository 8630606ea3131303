const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The numbers of one source-map segment (Base64 VLQ). */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    if (digit === -1) return values;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/**
 * For each line of the compiled code (index 0 is line 1), the line of the learner's TypeScript it came from,
 * read from the source map's `mappings`: a stack trace names a compiled line, the learner wants theirs.
 */
export function originalLines(mappings: string): (number | undefined)[] {
  let sourceLine = 0;
  return mappings.split(";").map((line) => {
    let first: number | undefined;
    for (const segment of line.split(",")) {
      const values = decodeSegment(segment);
      if (values.length < 4) continue;
      // Source lines are deltas across the whole map; columns restart each generated line.
      sourceLine += values[2] ?? 0;
      first ??= sourceLine + 1;
    }
    return first;
  });
}
