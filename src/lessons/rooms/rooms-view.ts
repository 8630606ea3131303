import type { InspectorSnapshot } from "../../shared/inspector.js";
import type { News, SendPlan, Target } from "./events.js";
import { addToScore, readProgress } from "../../client/progress.js";
import type { VirtualClient } from "../../client/virtual-client.js";
import { part } from "../../client/ui/dom.js";
import { describeScore, scorePrediction } from "./prediction-score.js";

/** The membership matrix, redrawn from each server snapshot: clients down, rooms across. */
export function mountRoomsMatrix(root: HTMLElement): (snapshot: InspectorSnapshot) => void {
  const head = part<HTMLTableRowElement>(root, "thead tr");
  const body = part<HTMLTableSectionElement>(root, "tbody");
  const empty = part<HTMLElement>(root, ".matrix-empty");
  return (snapshot) => {
    const rooms = snapshot.rooms.map((room) => room.name).sort();
    empty.hidden = rooms.length > 0;
    head.replaceChildren(
      ...["Client", ...rooms].map((text) => {
        const th = document.createElement("th");
        th.scope = "col";
        th.textContent = text;
        return th;
      }),
    );
    body.replaceChildren(
      ...snapshot.sockets.map((socket) => {
        const tr = document.createElement("tr");
        const th = document.createElement("th");
        th.scope = "row";
        th.textContent = socket.client;
        tr.append(th);
        for (const room of rooms) {
          const td = document.createElement("td");
          td.textContent = socket.rooms.includes(room) ? "✓ member" : "–";
          tr.append(td);
        }
        return tr;
      }),
    );
  };
}

/**
 * "Predict, then run": the learner marks who will receive, a client sends with the chosen target, and the
 * page compares the prediction with who really received it.
 */
export function mountBroadcast(root: HTMLElement, slug: string, clients: () => VirtualClient[]): () => void {
  const sender = part<HTMLSelectElement>(root, "select[name=sender]");
  const target = part<HTMLSelectElement>(root, "select[name=target]");
  const room = part<HTMLInputElement>(root, "input[name=room]");
  const otherRoom = part<HTMLInputElement>(root, "input[name=other-room]");
  const privateTo = part<HTMLSelectElement>(root, "select[name=private-to]");
  const boxes = part<HTMLElement>(root, ".prediction-boxes");
  const result = part<HTMLElement>(root, ".broadcast-result");
  const score = part<HTMLElement>(root, ".broadcast-score");
  const run = part<HTMLButtonElement>(root, ".run-broadcast");

  const showScore = () => {
    const remembered = readProgress()[slug]?.score;
    score.textContent = remembered ? `Your score in this lesson: ${remembered.right} of ${remembered.total} predictions right.` : "";
  };
  const showCode = () => {
    for (const code of root.querySelectorAll<HTMLElement>("[data-target-code]")) code.hidden = code.dataset.targetCode !== target.value;
  };

  function refresh(): void {
    const names = clients().map((client) => client.name);
    for (const select of [sender, privateTo]) {
      const kept = select.value;
      select.replaceChildren(...names.map((name) => new Option(name, name)));
      if (names.includes(kept)) select.value = kept;
    }
    if (privateTo.value === sender.value && names.length > 1) privateTo.value = names.find((name) => name !== sender.value) ?? "";
    const checked = new Set([...boxes.querySelectorAll<HTMLInputElement>("input:checked")].map((box) => box.value));
    boxes.replaceChildren(
      ...names.map((name) => {
        const label = document.createElement("label");
        const box = Object.assign(document.createElement("input"), { type: "checkbox", value: name, checked: checked.has(name) });
        label.append(box, ` ${name}`);
        return label;
      }),
    );
  }

  async function runOnce(): Promise<void> {
    const all = clients();
    const from = all.find((client) => client.name === sender.value);
    if (!from) return;
    const plan: SendPlan = {
      target: target.value as Target,
      room: room.value,
      otherRoom: otherRoom.value,
      socketId: all.find((client) => client.name === privateTo.value)?.socket.id,
      run: crypto.randomUUID(),
    };
    const predicted = new Set([...boxes.querySelectorAll<HTMLInputElement>("input:checked")].map((box) => box.value));
    const counts = new Map<string, number>();
    const stops = all.map((client) =>
      client.on("received", (entry) => {
        const news = entry.args[0] as News | undefined;
        if (entry.event === "news" && news?.run === plan.run) counts.set(client.name, (counts.get(client.name) ?? 0) + 1);
      }),
    );
    try {
      const answer = (await from.socket.timeout(3000).emitWithAck("send", plan)) as { error?: string };
      if (answer.error) throw new Error(answer.error);
      // One round trip per client: each connection delivers in order, so the send has arrived by then.
      // The `sync` has to go on the client's own socket: on any other connection (an HTTP request, a
      // socket of the page's own) its answer could overtake the `news` and prove nothing. So it stays
      // there, declared the page's own (BroadcastRunner.astro): the timeline hides it unless asked and
      // the server log labels it. It never reaches "Received": this emitWithAck is not the panel's emit.
      await Promise.all(all.filter((client) => client.socket.connected).map((client) => client.socket.timeout(3000).emitWithAck("sync")));
    } catch (error) {
      result.textContent = `The run failed: ${error instanceof Error ? error.message : String(error)}`;
      return;
    } finally {
      stops.forEach((stop) => stop());
    }
    const names = all.map((client) => client.name);
    const receivers = new Set(names.filter((name) => (counts.get(name) ?? 0) > 0));
    const scored = scorePrediction(names, predicted, receivers);
    if (scored.scored) addToScore(slug, scored.right.length, scored.total);
    const received = names
      .filter((name) => receivers.has(name))
      .map((name) => ((counts.get(name) ?? 0) > 1 ? `${name} (${counts.get(name)} times)` : name));
    result.textContent = `Received by: ${received.join(", ") || "nobody"}. ${describeScore(scored)}`;
    showScore();
  }

  // Enter in a room field runs, as it would submit a form: the box's main action is Run. (Not a <form>
  // element: the box lays out its fields, prediction and code as one flex column.)
  for (const field of [room, otherRoom]) {
    field.addEventListener("keydown", (key) => {
      if (key.key !== "Enter" || key.isComposing || run.disabled) return;
      key.preventDefault();
      run.click();
    });
  }
  target.addEventListener("change", showCode);
  sender.addEventListener("change", refresh);
  run.addEventListener("click", () => {
    run.disabled = true;
    void runOnce().finally(() => (run.disabled = false));
  });
  showCode();
  showScore();
  refresh();
  return refresh;
}
