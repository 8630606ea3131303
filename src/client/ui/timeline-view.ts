import { wireTermOf } from "../../shared/glossary.js";
import { SERVER_LANE, SHOW_ALL, type Timeline, type TimelineEntry, type TimelineFilter } from "../timeline/timeline.js";
import { truncate } from "../../shared/wire.js";
import { clockTime } from "./format.js";
import { part } from "./dom.js";
import { stickToBottom } from "./stick-to-bottom.js";

const ROW_HEIGHT = 26;
/** Rows drawn above and below the visible window, so fast scrolling never shows a gap. */
const OVERSCAN = 12;
/** The table view lists at most this many of the newest entries; export for all of them. */
const TABLE_ROWS = 1000;
/** The most of a frame a row's title shows; its details show all of it. */
const TITLE_FRAME_CHARS = 600;

/** What links an entry to another: the ack it got, or the emit it answers. */
export function linkText(entry: TimelineEntry): string {
  if (entry.ackOf !== undefined) return `answers #${entry.ackOf} after ${entry.rttMs ?? 0} ms`;
  if (entry.ackedBy !== undefined) return `answered by #${entry.ackedBy}`;
  return "";
}

/** "the page's own: Run checks …", for the page's bookkeeping frames (see page-frames.ts). */
function pageText(entry: TimelineEntry): string {
  return entry.page === undefined ? "" : `the page's own: ${entry.page}`;
}

/** The label a row shows: the whole of it goes in the row's title, where a narrow lane cuts it short. */
export function rowLabel(entry: TimelineEntry): string {
  const link = linkText(entry);
  return [
    entry.page !== undefined ? "page ·" : "",
    entry.summary,
    link && `· ${link}`,
    entry.mark === "recovered" ? `· ${markText(entry)}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

function markText(entry: TimelineEntry): string {
  return [entry.fault?.text ?? "", laneMarkText(entry)].filter(Boolean).join("; ");
}

function laneMarkText(entry: TimelineEntry): string {
  if (entry.mark === "recovered") return `recovered${entry.offset ? ` (offset ${entry.offset})` : ""}`;
  if (entry.mark === "flushed") return "flushed from the send buffer";
  return entry.mark ?? "";
}

function directionText(entry: TimelineEntry): string {
  if (entry.direction === "to-server") return `${entry.lane} → server`;
  if (entry.direction === "to-client") return `server → ${entry.lane}`;
  return entry.lane;
}

/**
 * Draws the timeline as a sequence diagram (one lane per client and one for the server, newest at the
 * bottom), rendering only the rows in view so thousands of entries scroll smoothly; and as a table, the
 * same entries for screen readers.
 */
export function mountTimeline(root: HTMLElement, timeline: Timeline): void {
  const viewport = part<HTMLElement>(root, ".timeline-viewport");
  const spacer = part<HTMLElement>(root, ".timeline-spacer");
  const rows = part<HTMLElement>(root, ".timeline-rows");
  const lanesHeader = part<HTMLElement>(root, ".timeline-lanes");
  const count = part<HTMLElement>(root, ".timeline-count");
  const details = part<HTMLElement>(root, ".timeline-details");
  const clientFilter = part<HTMLSelectElement>(root, "select[name=timeline-client]");
  const eventFilter = part<HTMLInputElement>(root, "input[name=timeline-event]");
  const heartbeat = part<HTMLInputElement>(root, "input[name=timeline-heartbeat]");
  const pageFrames = part<HTMLInputElement>(root, "input[name=timeline-page]");
  const pause = part<HTMLButtonElement>(root, ".timeline-pause");
  const tableToggle = part<HTMLButtonElement>(root, ".timeline-table-toggle");
  const tableWrap = part<HTMLElement>(root, ".timeline-table");
  const tableBody = part<HTMLTableSectionElement>(root, ".timeline-table tbody");
  const importInput = part<HTMLInputElement>(root, "input[name=timeline-import]");
  const importError = part<HTMLElement>(root, ".timeline-import-error");

  let filter: TimelineFilter = { ...SHOW_ALL };
  let shown: TimelineEntry[] = [];
  let lanes: string[] = [SERVER_LANE];
  let selected: number | undefined;
  let paused = false;
  let scheduled = false;

  // The viewport's scroll position and height are remembered from its own events rather than read while
  // rendering: a read after the page changed makes the browser lay the whole page out there and then.
  let scrollTop = 0;
  /** Where an off-screen timeline scrolls once it comes into view (stick-to-bottom.ts), until it has. */
  let owedTop: number | undefined;
  let height = 18 * 16;
  const sticker = stickToBottom(viewport, ROW_HEIGHT);

  const laneX = (lane: string) => ((lanes.indexOf(lane) + 0.5) / lanes.length) * 100;

  function drawLanes(): void {
    lanesHeader.replaceChildren(
      ...lanes.map((lane) => {
        const label = document.createElement("span");
        label.textContent = lane;
        label.style.left = `${laneX(lane)}%`;
        return label;
      }),
    );
    viewport.parentElement?.style.setProperty("--lanes", String(lanes.length));
    const options = [["", "All clients"], ...timeline.lanes.map((lane) => [lane, lane])];
    if (clientFilter.options.length !== options.length) {
      clientFilter.replaceChildren(...options.map(([value = "", text = ""]) => new Option(text, value, false, value === filter.client)));
    }
  }

  /** The rows on screen by entry, each with what it was drawn from: a row whose key is unchanged is kept. */
  let drawn = new Map<number, { element: HTMLElement; key: string }>();

  /** Everything a row is drawn from: its place, the lanes, the selection, the entry and what it gained later. */
  /** The selected entry, and the ask and ack paired with it, are drawn selected. */
  const isSelected = (entry: TimelineEntry) =>
    entry.seq === selected || (selected !== undefined && (entry.ackOf === selected || entry.ackedBy === selected));

  function rowKey(entry: TimelineEntry, index: number): string {
    // An imported timeline may reuse an earlier one's numbers, so what an entry is drawn from counts too.
    return [
      index,
      lanes.join("\n"),
      isSelected(entry),
      entry.at,
      entry.lane,
      entry.direction,
      rowLabel(entry),
      entry.frame?.raw,
      entry.mark,
      entry.fault?.action,
      entry.page,
    ].join("\t");
  }

  function row(entry: TimelineEntry, index: number): HTMLElement {
    const element = document.createElement("div");
    element.className = "timeline-row";
    element.style.top = `${index * ROW_HEIGHT}px`;
    element.dataset.seq = String(entry.seq);
    if (entry.mark) element.dataset.mark = entry.mark;
    if (entry.fault) element.dataset.fault = entry.fault.action;
    if (entry.page !== undefined) element.dataset.page = "";
    if (isSelected(entry)) element.classList.add("selected");
    const time = document.createElement("span");
    time.className = "time";
    // "HH:MM:" apart, so that a narrow timeline can show only the seconds (Timeline.astro); the details keep all.
    const clock = clockTime(entry.at);
    const hoursMinutes = document.createElement("span");
    hoursMinutes.className = "hours-minutes";
    hoursMinutes.textContent = clock.slice(0, 6);
    time.append(hoursMinutes, clock.slice(6));
    const track = document.createElement("span");
    track.className = "track";
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = rowLabel(entry);
    // A label runs to the track's edge and ends in an ellipsis there; the title and the details (click)
    // have all of it, and the table view too.
    element.title = [rowLabel(entry), entry.frame && truncate(entry.frame.raw, TITLE_FRAME_CHARS), pageText(entry)]
      .filter(Boolean)
      .join(" · ");
    if (entry.direction === "none") {
      const dot = document.createElement("span");
      dot.className = "dot";
      const x = laneX(entry.lane);
      dot.style.left = `${x}%`;
      // A lane in the right half writes its note leftwards from the dot, so it has room to be read.
      if (x > 50) {
        label.classList.add("leftward");
        label.style.right = `${100 - x}%`;
      } else label.style.left = `${x}%`;
      track.append(dot, label);
    } else {
      const from = laneX(entry.lane);
      const to = laneX(SERVER_LANE);
      const arrow = document.createElement("span");
      arrow.className = `arrow ${entry.direction}`;
      arrow.style.left = `${Math.min(from, to)}%`;
      arrow.style.width = `${Math.abs(from - to)}%`;
      label.style.left = `${Math.min(from, to) + 1}%`;
      track.append(arrow, label);
    }
    element.append(time, track);
    return element;
  }

  /** The rows in view at `top`, with the overscan either side. */
  function rowsAt(top: number): number[] {
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(shown.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    return Array.from({ length: Math.max(0, last - first) }, (_, i) => first + i);
  }

  function drawRows(): void {
    // The rows where the viewport is, and, while a scroll is owed, where it will be: drawing only the
    // latter left the rows shown meanwhile empty (a band at the top of an off-screen timeline).
    const indices = new Set(rowsAt(scrollTop));
    if (owedTop !== undefined) for (const index of rowsAt(owedTop)) indices.add(index);
    // A row already on screen stays the same element while entries arrive (every heartbeat redraws, even
    // hidden ones): one a learner is pointing at or clicking is not swapped for a copy under the pointer.
    const next = new Map<number, { element: HTMLElement; key: string }>();
    const elements = [...indices]
      .sort((a, b) => a - b)
      .map((index) => {
        const entry = shown[index]!;
        const key = rowKey(entry, index);
        const before = drawn.get(entry.seq);
        const element = before?.key === key ? before.element : row(entry, index);
        next.set(entry.seq, { element, key });
        return element;
      });
    drawn = next;
    const children = rows.children;
    if (elements.length !== children.length || elements.some((element, i) => children[i] !== element)) rows.replaceChildren(...elements);
  }

  function drawTable(): void {
    if (tableWrap.hidden) return;
    const newest = shown.slice(-TABLE_ROWS);
    tableBody.replaceChildren(
      ...newest.map((entry) => {
        const tr = document.createElement("tr");
        for (const text of [
          `#${entry.seq}`,
          clockTime(entry.at),
          directionText(entry),
          entry.summary,
          entry.frame?.raw ?? "",
          [linkText(entry), markText(entry), pageText(entry)].filter(Boolean).join("; "),
        ]) {
          const td = document.createElement("td");
          td.textContent = text;
          tr.append(td);
        }
        return tr;
      }),
    );
  }

  function drawDetails(): void {
    const entry = timeline.entries.find((candidate) => candidate.seq === selected);
    details.hidden = !entry;
    if (!entry) return;
    const lines = [
      `#${entry.seq} at ${clockTime(entry.at)} · ${directionText(entry)}`,
      entry.summary,
      entry.frame ? `Frame: ${entry.frame.raw}` : "",
      linkText(entry),
      markText(entry),
      pageText(entry),
    ].filter(Boolean);
    details.replaceChildren(
      ...lines.map((line) => {
        const p = document.createElement("p");
        p.textContent = line;
        return p;
      }),
      ...explained(entry.frame?.raw),
    );
  }

  /** What a heartbeat or upgrade frame means, and the lesson that shows it: these appear from lesson 2 on. */
  function explained(raw: string | undefined): HTMLElement[] {
    const term = raw === undefined ? undefined : wireTermOf(raw);
    if (!term) return [];
    const p = document.createElement("p");
    p.className = "timeline-explained";
    const link = document.createElement("a");
    link.href = `/lessons/${term.lesson}`;
    link.textContent = `see ${term.lessonTitle}`;
    p.append(`${term.name}: ${term.text} `, link);
    return [p];
  }

  function render(): void {
    scheduled = false;
    lanes = [SERVER_LANE, ...timeline.lanes];
    shown = timeline.filtered(filter);
    spacer.style.height = `${shown.length * ROW_HEIGHT}px`;
    const hiddenPage = filter.showPage ? 0 : timeline.entries.filter((entry) => entry.page !== undefined).length;
    count.textContent =
      timeline.entries.length === 0
        ? "Nothing on the wire yet: emit from a client to see its frames here."
        : `${shown.length} of ${timeline.entries.length} entries shown${hiddenPage ? ` (${hiddenPage} of the page's own hidden)` : ""}${paused ? " (paused)" : ""}`;
    if (sticker.following) {
      const bottom = Math.max(0, shown.length * ROW_HEIGHT - height);
      // An off-screen timeline scrolls only once in view: until then it stays where it is.
      if (bottom !== scrollTop) {
        if (sticker.added(bottom)) [scrollTop, owedTop] = [bottom, undefined];
        else owedTop = bottom;
      }
    }
    drawLanes();
    drawRows();
    drawTable();
    drawDetails();
  }

  function schedule(): void {
    if (scheduled || paused) return;
    scheduled = true;
    requestAnimationFrame(render);
  }

  timeline.onChange(schedule);
  viewport.addEventListener(
    "scroll",
    () => {
      if (viewport.scrollTop === scrollTop) return; // the render that scrolled has drawn these rows
      scrollTop = viewport.scrollTop;
      owedTop = undefined;
      drawRows();
    },
    { passive: true },
  );
  new ResizeObserver(([entry]) => {
    if (!entry || entry.contentRect.height === height) return;
    height = entry.contentRect.height;
    drawRows();
  }).observe(viewport);
  rows.addEventListener("click", (click) => {
    const target = (click.target as HTMLElement).closest<HTMLElement>(".timeline-row");
    selected = target ? Number(target.dataset.seq) : undefined;
    drawRows();
    drawDetails();
  });
  const refilter = () => {
    filter = { client: clientFilter.value, event: eventFilter.value, showHeartbeat: heartbeat.checked, showPage: pageFrames.checked };
    render();
  };
  clientFilter.addEventListener("change", refilter);
  eventFilter.addEventListener("input", refilter);
  heartbeat.addEventListener("change", refilter);
  pageFrames.addEventListener("change", refilter);
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    render();
  });
  part<HTMLButtonElement>(root, ".timeline-clear").addEventListener("click", () => {
    selected = undefined;
    timeline.clear();
    render();
  });
  tableToggle.addEventListener("click", () => {
    tableWrap.hidden = !tableWrap.hidden;
    tableToggle.setAttribute("aria-pressed", String(!tableWrap.hidden));
    render();
  });
  part<HTMLButtonElement>(root, ".timeline-export").addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob([timeline.export()], { type: "application/json" }));
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = `socket-io-timeline-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  importInput.addEventListener("change", () => {
    const file = importInput.files?.[0];
    if (!file) return;
    void file.text().then((text) => {
      try {
        timeline.import(text);
        importError.textContent = "";
        // An imported timeline is for viewing: pause so live traffic does not scroll it away.
        paused = true;
        pause.setAttribute("aria-pressed", "true");
        render();
      } catch (error) {
        importError.textContent = `Could not import ${file.name}: ${error instanceof Error ? error.message : String(error)}`;
      }
      importInput.value = "";
    });
  });
  render();
}
