import type { InspectorSnapshot } from "../../shared/inspector.js";
import { part } from "./dom.js";

/** The columns, as the table's header names them: a narrow inspector shows each cell with its column's name. */
type Column = "Client" | "Socket id" | "Transport" | "Rooms" | "data" | "Recovered" | "Pending acks";

function cell(text: string, column?: Column): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  // Explicit roles keep the table a table for assistive technology when narrow CSS lays its rows out as cards.
  td.setAttribute("role", "cell");
  if (column) td.dataset.label = column;
  return td;
}

/** A socket the server lists is connected: its name carries the lab's "connected" status glyph and colour. */
function toned(td: HTMLTableCellElement): HTMLTableCellElement {
  const name = document.createElement("span");
  name.dataset.tone = "connected";
  name.append(...td.childNodes);
  td.append(name);
  return td;
}

/** Renders each snapshot the lab server streams; nothing here is computed from what the page expects. */
export function mountInspector(root: HTMLElement): (snapshot: InspectorSnapshot) => void {
  const sockets = part<HTMLTableSectionElement>(root, ".inspector-sockets");
  const rooms = part<HTMLUListElement>(root, ".inspector-rooms");
  const recovery = part<HTMLElement>(root, ".inspector-recovery");
  const options = part<HTMLDListElement>(root, ".inspector-options");

  return (snapshot) => {
    const names = new Map(snapshot.sockets.map((socket) => [socket.id, socket.client]));
    const none = () => {
      const tr = document.createElement("tr");
      tr.setAttribute("role", "row");
      const td = cell("No socket is connected.");
      td.colSpan = 7;
      // Not a socket: a closed inspector's summary counts sockets (lab-parts-view.ts).
      tr.dataset.partEmpty = "";
      tr.append(td);
      return [tr];
    };
    sockets.replaceChildren(
      ...(snapshot.sockets.length === 0
        ? none()
        : snapshot.sockets.map((socket) => {
            const tr = document.createElement("tr");
            tr.setAttribute("role", "row");
            tr.append(
              toned(cell(socket.client, "Client")),
              cell(socket.id, "Socket id"),
              cell(socket.transport, "Transport"),
              cell(socket.rooms.map((room) => (room === socket.id ? "(own room)" : room)).join(", "), "Rooms"),
              cell(JSON.stringify(socket.data), "data"),
              cell(socket.recovered ? "yes" : "no", "Recovered"),
              cell(String(socket.pendingAcks), "Pending acks"),
            );
            return tr;
          })),
    );
    rooms.replaceChildren(
      ...snapshot.rooms.map((room) => {
        const li = document.createElement("li");
        li.textContent = `${room.name}: ${room.members.map((id) => names.get(id) ?? id).join(", ")}`;
        return li;
      }),
    );
    const { enabled, retainedPackets, newestOffset, sessions } = snapshot.recovery;
    recovery.textContent = enabled
      ? `On: ${retainedPackets} packets retained${newestOffset ? `, newest offset ${newestOffset}` : ""}; ${sessions} disconnected sessions kept.`
      : "Off: nothing is kept for clients that come back.";
    const shown: [string, string][] = [
      ["pingInterval", `${snapshot.options.pingInterval} ms`],
      ["pingTimeout", `${snapshot.options.pingTimeout} ms`],
      ["maxHttpBufferSize", `${snapshot.options.maxHttpBufferSize} bytes`],
      ["transports", snapshot.options.transports.join(", ")],
      [
        "connectionStateRecovery",
        snapshot.options.connectionStateRecovery
          ? `maxDisconnectionDuration ${snapshot.options.connectionStateRecovery.maxDisconnectionDuration} ms, skipMiddlewares ${snapshot.options.connectionStateRecovery.skipMiddlewares}`
          : "off",
      ],
    ];
    options.replaceChildren(
      ...shown.flatMap(([name, value]) => {
        const dt = document.createElement("dt");
        dt.textContent = name;
        const dd = document.createElement("dd");
        dd.textContent = value;
        return [dt, dd];
      }),
    );
  };
}
