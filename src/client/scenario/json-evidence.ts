/** Values as evidence: plain JSON (an Error becomes `{ error: message }`, functions go). */
export function asJson(value: unknown): unknown {
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof Error) return { error: item.message };
    if (typeof item === "function") return undefined;
    return item;
  });
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

/**
 * Whether a value matches what a scenario expects: equal, except that an expected object names only the keys
 * it cares about (`{"text":"hi"}` matches `{"id":3,"text":"hi"}`).
 */
export function jsonMatches(actual: unknown, expected: unknown): boolean {
  if (typeof expected !== "object" || expected === null) return actual === expected;
  if (typeof actual !== "object" || actual === null || Array.isArray(actual) !== Array.isArray(expected)) return false;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return actual.length === expected.length && expected.every((item, i) => jsonMatches(actual[i], item));
  }
  return Object.entries(expected).every(
    ([key, item]) => Object.hasOwn(actual, key) && jsonMatches((actual as Record<string, unknown>)[key], item),
  );
}

/**
 * Whether `args` starts with `expected` (as JSON, each by `jsonMatches`): a recovered event carries its offset
 * as one more argument.
 */
export function argsStartWith(args: readonly unknown[], expected: readonly unknown[]): boolean {
  const plain = asJson(args) as unknown[];
  return expected.length <= plain.length && expected.every((item, i) => jsonMatches(plain[i], item));
}

/** A short JSON rendering for a sentence. */
export function brief(value: unknown, max = 120): string {
  const text = JSON.stringify(asJson(value)) ?? "undefined";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
