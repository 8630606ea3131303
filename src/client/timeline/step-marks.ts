import { SERVER_LANE, type Timeline, type TimelineEntry } from "./timeline.js";

/**
 * A scenario step's place on the timeline: one entry, on the server's lane, at the time the step started,
 * so the frames it caused follow it. Marked "step" so the view can draw it apart from the wire's frames.
 */
export function markScenarioStep(timeline: Timeline, step: { at: number; index: number; label: string }): TimelineEntry {
  return timeline.add({
    at: step.at,
    lane: SERVER_LANE,
    direction: "none",
    summary: `Scenario step ${step.index + 1}: ${step.label}`,
    mark: "step",
  });
}
