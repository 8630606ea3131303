// A bare Socket.IO client for load generation: Engine.IO v4 over one WebSocket, the main namespace,
// JSON payloads, events and acks; nothing else (no reconnection, no binary, no polling). The benchmark
// shares two cores with the server it measures, and socket.io-client spends more CPU per event than the
// server does: with it, the load generator, not the server, decided the tail latency. Both servers are
// measured with the same client, and `--client=socket.io` runs the real one for comparison.
import WebSocket from "ws";

export class WireClient {
  #ws;
  #nextId = 0;
  #acks = new Map();
  #handlers = new Map();

  /**
   * Opens `ws://…<path>/?EIO=4&transport=websocket&<query>` and joins the main namespace. `headers` go on the
   * upgrade request (the benchmark's learners each come from an `X-Forwarded-For` address of their own).
   */
  static connect(origin, path, query = {}, headers = {}) {
    const url = new URL(`${path.replace(/\/$/, "")}/`, origin.replace(/^http/, "ws"));
    for (const [key, value] of Object.entries({ ...query, EIO: "4", transport: "websocket" })) url.searchParams.set(key, value);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, headers });
      const client = new WireClient(ws);
      ws.on("error", reject); // after the open, a close follows any error
      ws.on("close", () => client.#failAll(new Error("connection closed")));
      ws.on("message", (data) => {
        const text = data.toString();
        if (text[0] === "0")
          ws.send("40"); // Engine.IO open: ask for the main namespace
        else if (text === "2")
          ws.send("3"); // ping, pong
        else if (text.startsWith("40")) resolve(client);
        else if (text.startsWith("44")) reject(new Error(`refused: ${text.slice(2)}`));
        else if (text.startsWith("42")) client.#event(text.slice(2));
        else if (text.startsWith("43")) client.#ack(text.slice(2));
      });
    });
  }

  constructor(ws) {
    this.#ws = ws;
  }

  on(event, handler) {
    this.#handlers.set(event, handler);
  }

  /** Emits with an ack id and resolves with the ack's arguments, or rejects after `timeoutMs`. */
  emitWithAck(timeoutMs, event, ...args) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#acks.delete(id);
        reject(new Error("ack timeout"));
      }, timeoutMs);
      this.#acks.set(id, { resolve, reject, timer });
      this.#ws.send(`42${id}${JSON.stringify([event, ...args])}`);
    });
  }

  close() {
    this.#ws.close();
  }

  #event(body) {
    const [event, ...args] = JSON.parse(body.slice(body.indexOf("[")));
    this.#handlers.get(event)?.(...args);
  }

  #ack(body) {
    const bracket = body.indexOf("[");
    const id = Number(body.slice(0, bracket));
    const pending = this.#acks.get(id);
    if (!pending) return;
    this.#acks.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(JSON.parse(body.slice(bracket)));
  }

  #failAll(error) {
    for (const { reject, timer } of this.#acks.values()) {
      clearTimeout(timer);
      reject(error);
    }
    this.#acks.clear();
  }
}
