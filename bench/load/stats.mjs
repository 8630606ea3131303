// Small statistics for the load benchmark: percentiles of one run, medians and spreads across rounds.

export const round2 = (value) => (value === null || value === undefined || Number.isNaN(value) ? null : Math.round(value * 100) / 100);

/** The p-th percentile of ascending values (nearest rank), or null for none. */
export function percentile(sorted, p) {
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values) {
  const sorted = values.filter((value) => value !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const ratio = (a, b) => (a && b ? a / b : null);

/** The smallest and largest of some values, rounded: the spread to quote beside a median. */
export function spread(values) {
  const present = values.filter((value) => value !== null);
  return present.length === 0 ? null : [round2(Math.min(...present)), round2(Math.max(...present))];
}
