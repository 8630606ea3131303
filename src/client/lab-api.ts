import type { ApiError, LabInfo } from "../shared/lab-api.js";

/** Opens (or finds again) this learner's lab for a lesson, through the control API. */
export async function openLab(lesson: string, learner: string, origin = ""): Promise<LabInfo> {
  const response = await fetch(`${origin}/api/labs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lesson, learner }),
  });
  const body = (await response.json()) as LabInfo | ApiError;
  if ("error" in body) throw new Error(body.error.message);
  return body;
}
