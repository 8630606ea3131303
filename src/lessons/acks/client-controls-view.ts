import type { ClientPartHooks } from "../../client/ui/lesson-ui.js";
import { part } from "../../client/ui/dom.js";

/** "Reply (JSON)": JSON when it parses, the plain text otherwise, as a learner would type either. */
function replyValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** "Answering the server": what the client replies when the server asks her with an ack, and whether at once. */
export function mountAnswering(panel: HTMLElement): ClientPartHooks {
  const reply = part<HTMLInputElement>(panel, "input[name=reply]");
  const automatic = part<HTMLInputElement>(panel, "input[name=auto-answer]");
  return { answering: { reply: () => replyValue(reply.value), immediately: () => automatic.checked } };
}
