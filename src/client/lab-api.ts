import type { ApiError, LabInfo } from "../shared/lab-api.js";

/** Opens (or finds again) this learner's lab for a lesson, through the control API. */
export async function openLab(lesson: string, learner: string, origin = ""): Promise<LabInfo> {
  return readLab(requestLab(lesson, learner, origin));
}

/** The POST /api/labs itself; src/client/lab-early.ts sends the same one from the page's <head>. */
export function requestLab(lesson: string, learner: string, origin = ""): Promise<Response> {
  return fetch(`${origin}/api/labs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lesson, learner }),
  });
}

/** The lab a POST /api/labs answered with, or its error message thrown. */
export async function readLab(request: Promise<Response>): Promise<LabInfo> {
  const response = await request;
  return labFromAnswer(await response.json());
}

/** The lab in a POST /api/labs answer's JSON, or its error message thrown. */
export function labFromAnswer(answer: unknown): LabInfo {
  const body = answer as LabInfo | ApiError;
  if ("error" in body) throw new Error(body.error.message);
  return body;
}
