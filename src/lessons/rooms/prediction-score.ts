/**
 * How "Predict, then run" scores a prediction. The learner ticks the clients they expect to receive;
 * a box left unticked is not an answer, so it earns nothing: otherwise ticking nothing before a send to one
 * client of four would score 3 of 4. What counts is each client the learner ticked and each client that
 * received: a ticked receiver is right, a ticked client that received nothing is wrong, and a receiver
 * left unticked was missed (wrong). A client neither ticked nor reached does not count either way.
 *
 * Ticking nobody is no prediction at all, and is not scored, whoever received: "nobody" cannot be told
 * apart from "did not predict" by unticked boxes.
 */
export interface PredictionScore {
  /** Ticked clients that received it. */
  right: string[];
  /** Ticked clients that did not receive it. */
  wrongTicks: string[];
  /** Clients that received it but were not ticked. */
  missed: string[];
  /** right.length of total counts; 0 when nothing was ticked. */
  total: number;
  /** False when the learner ticked nobody: nothing to score. */
  scored: boolean;
}

/** Scores `predicted` (the ticked names) against `received` (the names that received), in `clients` order. */
export function scorePrediction(
  clients: readonly string[],
  predicted: ReadonlySet<string>,
  received: ReadonlySet<string>,
): PredictionScore {
  const right = clients.filter((name) => predicted.has(name) && received.has(name));
  const wrongTicks = clients.filter((name) => predicted.has(name) && !received.has(name));
  const missed = clients.filter((name) => !predicted.has(name) && received.has(name));
  const scored = clients.some((name) => predicted.has(name));
  return { right, wrongTicks, missed, total: scored ? right.length + wrongTicks.length + missed.length : 0, scored };
}

/** "2 of 3 right (missed Carol)" or "1 of 2 right (Dave did not receive it)", for the result line. */
export function describeScore(score: PredictionScore): string {
  if (!score.scored) return "You ticked nobody, so there was no prediction to score: tick who you expect to receive it.";
  const notes = [
    score.missed.length ? `missed ${score.missed.join(", ")}` : "",
    score.wrongTicks.length ? `${score.wrongTicks.join(", ")} did not receive it` : "",
  ].filter(Boolean);
  return `Your prediction: ${score.right.length} of ${score.total} right${notes.length ? ` (${notes.join("; ")})` : ""}.`;
}
