/** One server-sent event: its name ("message" unless the server named it) and its data. */
export interface StreamMessage {
  name: string;
  data: string;
}

export interface EventStreamHandlers {
  onMessage(message: StreamMessage): void;
  /** The stream is gone for good: the server refused it (e.g. the lab no longer exists). */
  onClosed(): void;
}

/**
 * Follows a server-sent events stream; returns a function that stops following. In a page this is the
 * browser's EventSource. Node has no EventSource (Node 24 keeps it behind a flag), so a script or test gets
 * `readWithFetch`, which keeps EventSource's rules that matter here: resume with Last-Event-ID when the
 * stream ends, and close for good when the server answers with anything but a stream.
 */
export function openEventStream(url: string, handlers: EventStreamHandlers): () => void {
  if (typeof EventSource === "function") return readWithEventSource(url, handlers);
  return readWithFetch(url, handlers);
}

/** The names of events the lab streams besides plain messages; EventSource needs a listener for each. */
const NAMED_EVENTS = ["inspector"];

function readWithEventSource(url: string, handlers: EventStreamHandlers): () => void {
  const source = new EventSource(url);
  for (const name of ["message", ...NAMED_EVENTS]) {
    source.addEventListener(name, (message: MessageEvent<string>) => handlers.onMessage({ name, data: message.data }));
  }
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) handlers.onClosed();
  });
  return () => source.close();
}

function readWithFetch(url: string, handlers: EventStreamHandlers): () => void {
  const abort = new AbortController();
  let lastEventId = "";
  const follow = async () => {
    try {
      for (;;) {
        const response = await fetch(url, { signal: abort.signal, headers: lastEventId ? { "last-event-id": lastEventId } : {} });
        if (!response.ok || !response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) break;
        for await (const message of parseEvents(response.body)) {
          if (message.id !== undefined) lastEventId = message.id;
          handlers.onMessage({ name: message.name, data: message.data });
        }
      }
    } catch {
      // A network failure: EventSource would retry, but a script is better told at once.
    }
    if (!abort.signal.aborted) handlers.onClosed();
  };
  void follow();
  return () => abort.abort();
}

/** The events of one response body, by the format's rules: blank-line separated, `data:` lines joined. */
async function* parseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamMessage & { id?: string }> {
  const decoder = new TextDecoder();
  let buffered = "";
  let fields: { name: string; data: string[]; id?: string } = { name: "message", data: [] };
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffered.indexOf("\n")) !== -1) {
      const line = buffered.slice(0, end).replace(/\r$/, "");
      buffered = buffered.slice(end + 1);
      if (line === "") {
        if (fields.data.length > 0)
          yield { name: fields.name, data: fields.data.join("\n"), ...(fields.id !== undefined ? { id: fields.id } : {}) };
        fields = { name: "message", data: [] };
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") fields.data.push(value);
      else if (field === "event") fields.name = value;
      else if (field === "id") fields.id = value;
    }
  }
}
