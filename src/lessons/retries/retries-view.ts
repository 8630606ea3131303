import type { ServerStats, StoredRow } from "./events.js";
import type { VirtualClient } from "../../client/virtual-client.js";
import { part } from "../../client/ui/dom.js";

/** The client's own queues, read live: its send buffer and, with `retries`, its private retry queue. */
export function describeQueues(client: VirtualClient): string {
  const { sendBuffer, retry } = client.queues;
  const parts = [`${client.name}: ${sendBuffer} in the send buffer`];
  if (retry.length > 0) {
    const head = retry[0];
    const text = (head?.args[1] as { text?: string } | undefined)?.text ?? String(head?.args[0]);
    parts.push(`retry queue ${retry.length} (head: ${text}, try ${head?.tryCount ?? 0}${head?.pending ? ", in flight" : ""})`);
  }
  return parts.join(" · ");
}

/**
 * Runs `emit` and tells whether socket.io-client sent the packet or kept it in its send buffer. Neither means
 * it dropped the packet: a volatile emit while the transport is not writable. Read from what the client did,
 * not from a copy of its rule.
 */
function sentOrBuffered(socket: VirtualClient["socket"], emit: () => void): boolean {
  const buffered = socket.sendBuffer.length;
  let sent = false;
  const seen = () => {
    sent = true;
  };
  socket.prependAnyOutgoing(seen);
  try {
    emit();
  } finally {
    socket.offAnyOutgoing(seen);
  }
  return sent || socket.sendBuffer.length > buffered;
}

/** Sends batches from a chosen client, counts sent, acked and failed here and stored and rejected on the server. */
export function mountRetries(root: HTMLElement, clients: () => VirtualClient[]): () => void {
  const from = part<HTMLSelectElement>(root, "select[name=retries-from]");
  const count = part<HTMLInputElement>(root, "input[name=retries-count]");
  const ids = part<HTMLInputElement>(root, "input[name=retries-ids]");
  const volatile = part<HTMLInputElement>(root, "input[name=retries-volatile]");
  const guard = part<HTMLInputElement>(root, "input[name=retries-guard]");
  const byHand = part<HTMLInputElement>(root, "input[name=retries-by-hand]");
  const timeoutMs = part<HTMLInputElement>(root, "input[name=retries-timeout]");
  const queue = part<HTMLElement>(root, ".retries-queue");
  const counters = part<HTMLDListElement>(root, ".retries-counters");
  const rows = part<HTMLTableSectionElement>(root, ".stored-rows");
  const totals = { sent: 0, skipped: 0, dropped: 0, acked: 0, failed: 0, retriedByHand: 0 };
  let server: ServerStats & { rows: StoredRow[] } = { stored: 0, duplicatesRejected: 0, rows: [] };
  let batch = 0;

  const render = () => {
    const shown: [string, number][] = [
      ["Sent", totals.sent],
      ["Not sent (disconnected)", totals.skipped],
      ["Dropped (volatile)", totals.dropped],
      ["Acked", totals.acked],
      ["Failed", totals.failed],
      ["Retried by hand", totals.retriedByHand],
      ["Stored", server.stored],
      ["Duplicates rejected", server.duplicatesRejected],
    ];
    counters.replaceChildren(
      ...shown.map(([name, value]) => {
        const div = document.createElement("div");
        const dt = document.createElement("dt");
        dt.textContent = name;
        const dd = document.createElement("dd");
        dd.textContent = String(value);
        div.append(dt, dd);
        return div;
      }),
    );
    rows.replaceChildren(
      ...server.rows.map((row) => {
        const tr = document.createElement("tr");
        for (const text of [row.text, String(row.copies)]) {
          const td = document.createElement("td");
          td.textContent = text;
          tr.append(td);
        }
        return tr;
      }),
    );
  };

  /**
   * Asks the server through any connected client: the counts come from its database, not from here.
   * `volatile` keeps the page's own question out of the client's retry queue (socket.io-client queues
   * every emit but volatile ones when `retries` is set), so "retry queue N" counts only the learner's.
   */
  const refresh = async () => {
    const asker = clients().find((client) => client.socket.connected);
    if (!asker) return;
    try {
      server = (await asker.socket.volatile.timeout(2000).emitWithAck("stats")) as typeof server;
      render();
    } catch {
      // The asker dropped meanwhile; the next refresh tries again.
    }
  };

  part<HTMLButtonElement>(root, ".retries-send").addEventListener("click", () => {
    const sender = clients().find((client) => client.name === from.value);
    if (!sender) return;
    batch += 1;
    const n = Math.min(100, Math.max(1, Number(count.value) || 1));
    for (let i = 1; i <= n; i++) {
      if (guard.checked && !sender.socket.connected) {
        totals.skipped += 1;
        continue;
      }
      const message = { text: `batch ${batch} #${i}`, ...(ids.checked ? { id: crypto.randomUUID() } : {}) };
      const settled = (failed: boolean) => {
        if (failed) totals.failed += 1;
        else totals.acked += 1;
        render();
        void refresh();
      };
      if (byHand.checked) {
        // At-least-once by hand: a timed-out emit is simply emitted again, until an ack comes back.
        totals.sent += 1;
        const ms = Math.max(50, Number(timeoutMs.value) || 1000);
        const attempt = () =>
          sender.socket.timeout(ms).emit("message", message, (error: Error | null) => {
            if (!error) return settled(false);
            totals.retriedByHand += 1;
            render();
            attempt();
          });
        attempt();
        continue;
      }
      // With the ackTimeout option (or retries) set, the callback is error-first.
      const reply = (...args: unknown[]) => settled(args[0] instanceof Error);
      if (!volatile.checked) {
        // Never dropped: it is sent, or waits in the send buffer or, with retries, in the retry queue.
        sender.socket.emit("message", message, reply);
        totals.sent += 1;
      } else if (sentOrBuffered(sender.socket, () => sender.socket.volatile.emit("message", message, reply))) {
        totals.sent += 1;
      } else {
        totals.dropped += 1;
      }
    }
    render();
  });

  const refreshClients = () => {
    const names = clients().map((client) => client.name);
    const kept = from.value;
    from.replaceChildren(...names.map((name) => new Option(name, name)));
    if (names.includes(kept)) from.value = kept;
  };
  const ticker = setInterval(() => {
    if (!root.isConnected) return clearInterval(ticker);
    const sender = clients().find((client) => client.name === from.value);
    queue.textContent = sender ? describeQueues(sender) : "";
  }, 200);
  const poll = setInterval(() => {
    if (!root.isConnected) return clearInterval(poll);
    void refresh();
  }, 2000);
  render();
  refreshClients();
  return refreshClients;
}
