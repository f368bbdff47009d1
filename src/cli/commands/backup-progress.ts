/**
 * Progress output of `wxadmin backup` on stderr, in one of two forms:
 *
 * - live: a block of lines, one per (org, kind), redrawn in place at most every 100 ms. Other
 *   stderr output (warnings such as a 429 wait) is written above the block, which is then drawn
 *   again, so the two never overwrite each other.
 * - lines: a plain line when a kind starts, finishes or fails, every `LINE_EVERY_PAGES` pages
 *   and on each rate-limit wait, for logs and pipes.
 */
import type { BackupProgressEvent } from "../../jobs/backup.js";
import { formatCount } from "../render.js";

/** Form of the progress output. */
export type ProgressMode = "live" | "lines" | "off";

/** Pages between two progress lines of one kind in `lines` mode. */
const LINE_EVERY_PAGES = 50;
/** Shortest time between two redraws of the live block, in milliseconds. */
const REDRAW_INTERVAL_MS = 100;
/** Above this many (org, kind) units the live block shows only running and failed ones. */
const MAX_LIVE_UNITS = 24;

/** ANSI: move to the start of the line `n` lines up, and clear from the cursor to the end of the screen. */
const cursorUp = (lines: number): string => `\u001b[${lines}F`;
const CLEAR_DOWN = "\u001b[0J";

type Write = NodeJS.WritableStream["write"];

/** Shows backup progress events on a stream; see the file comment for the forms. */
export class BackupProgressDisplay {
  readonly #stream: NodeJS.WritableStream & { columns?: number };
  readonly #mode: ProgressMode;
  readonly #units = new Map<string, BackupProgressEvent>();
  readonly #linePages = new Map<string, number>();
  #originalWrite: Write | undefined;
  #drawnLines = 0;
  #redrawTimer: NodeJS.Timeout | undefined;
  #lastDrawMs = 0;

  constructor(stream: NodeJS.WritableStream, mode: ProgressMode) {
    this.#stream = stream;
    this.#mode = mode;
    if (mode === "live") {
      this.#hookStream();
    }
  }

  /** Records an event and shows it as the mode does. */
  update(event: BackupProgressEvent): void {
    const key = `${event.snapshotId}\u0000${event.kind}`;
    const previous = this.#units.get(key);
    this.#units.set(key, event);
    if (this.#mode === "lines") {
      this.#writeLine(event, previous);
    } else if (this.#mode === "live") {
      this.#scheduleRedraw();
    }
  }

  /** Draws the final state and gives the stream back. */
  finish(): void {
    if (this.#mode !== "live") {
      return;
    }
    clearTimeout(this.#redrawTimer);
    this.#redrawTimer = undefined;
    this.#draw();
    this.#unhookStream();
  }

  // ---- lines ----

  #writeLine(event: BackupProgressEvent, previous: BackupProgressEvent | undefined): void {
    const key = `${event.snapshotId}\u0000${event.kind}`;
    const isNewState = previous?.state !== event.state;
    const isNewWait = previous !== undefined && event.rateLimitWaits > previous.rateLimitWaits;
    const lastPages = this.#linePages.get(key) ?? 0;
    const isPageMark = event.state === "running" && event.pages - lastPages >= LINE_EVERY_PAGES;
    if (!isNewState && !isNewWait && !isPageMark) {
      return;
    }
    if (event.state === "pending" && previous === undefined) {
      return;
    }

    this.#linePages.set(key, event.pages);
    const org = event.orgName === "" ? event.orgId : event.orgName;
    const waitNote = isNewWait && !isNewState ? " (rate limited, waiting)" : "";
    // The backup job logs the error of a failed kind itself, so the line only marks the failure.
    const text = event.state === "failed" ? describeEvent({ ...event, error: undefined }) : describeEvent(event);
    this.#stream.write(`backup: snapshot ${event.snapshotId} ${org} ${event.kind}: ${text}${waitNote}\n`);
  }

  // ---- live ----

  #scheduleRedraw(): void {
    if (this.#redrawTimer !== undefined) {
      return;
    }
    const delay = Math.max(0, this.#lastDrawMs + REDRAW_INTERVAL_MS - Date.now());
    this.#redrawTimer = setTimeout(() => {
      this.#redrawTimer = undefined;
      this.#draw();
    }, delay);
    this.#redrawTimer.unref();
  }

  #draw(): void {
    const lines = this.renderLines();
    let text = this.#drawnLines > 0 ? `${cursorUp(this.#drawnLines)}${CLEAR_DOWN}` : "";
    text += lines.map((line) => `${this.#fit(line)}\n`).join("");
    this.#writeRaw(text);
    this.#drawnLines = lines.length;
    this.#lastDrawMs = Date.now();
  }

  /** Returns the lines of the live block for the events so far. */
  renderLines(): string[] {
    const units = [...this.#units.values()];
    const shown = units.length <= MAX_LIVE_UNITS ? units : units.filter((unit) => unit.state === "running" || unit.state === "failed");
    const kindWidth = Math.max(4, ...shown.map((unit) => unit.kind.length));

    const lines: string[] = [];
    let snapshotId: number | undefined;
    for (const unit of shown) {
      if (unit.snapshotId !== snapshotId) {
        snapshotId = unit.snapshotId;
        lines.push(`Snapshot ${unit.snapshotId}: ${unit.orgName === "" ? unit.orgId : unit.orgName}`);
      }
      lines.push(`  ${unit.kind.padEnd(kindWidth)}  ${describeEvent(unit)}`);
    }

    const done = units.filter((unit) => unit.state === "complete" || unit.state === "skipped").length;
    const failed = units.filter((unit) => unit.state === "failed").length;
    const waits = units.reduce((sum, unit) => sum + unit.rateLimitWaits, 0);
    const snapshots = new Set(units.map((unit) => unit.snapshotId)).size;
    lines.push(
      `${done} of ${units.length} lists done in ${snapshots} snapshot${snapshots === 1 ? "" : "s"}` +
        `${failed > 0 ? `, ${failed} failed` : ""}, ${formatCount(waits)} rate-limit wait${waits === 1 ? "" : "s"}`,
    );
    return lines;
  }

  /** Cuts a line to the terminal width, so a wrapped line cannot break the count of lines to redraw. */
  #fit(line: string): string {
    const columns = this.#stream.columns;
    return columns !== undefined && columns > 1 && line.length >= columns ? `${line.slice(0, columns - 2)}…` : line;
  }

  #writeRaw(text: string): void {
    const write = this.#originalWrite ?? this.#stream.write;
    write.call(this.#stream, text);
  }

  /** Routes other writes to the stream above the block: clear the block, write, draw it again. */
  #hookStream(): void {
    const original = this.#stream.write;
    this.#originalWrite = original;
    const display = this;
    this.#stream.write = function (this: NodeJS.WritableStream, ...args: Parameters<Write>): boolean {
      if (display.#drawnLines > 0) {
        original.call(display.#stream, `${cursorUp(display.#drawnLines)}${CLEAR_DOWN}`);
        display.#drawnLines = 0;
      }
      const result = (original as (...writeArgs: unknown[]) => boolean).apply(display.#stream, args);
      display.#scheduleRedraw();
      return result;
    } as Write;
  }

  #unhookStream(): void {
    if (this.#originalWrite !== undefined) {
      this.#stream.write = this.#originalWrite;
      this.#originalWrite = undefined;
    }
  }
}

/** Width of the state column: the longest state shown, "interrupted". */
const STATE_WIDTH = "interrupted".length;

/**
 * Formats an event as `running     12 pages, 1,200 items, 0 rate-limit waits`, plus the error
 * of a failed kind. A kind that a resumed backup skipped shows as complete, with a note after
 * the counts so the columns stay aligned.
 */
function describeEvent(event: BackupProgressEvent): string {
  const pages = `${formatCount(event.pages)} page${event.pages === 1 ? "" : "s"}`;
  const items = `${formatCount(event.items)} item${event.items === 1 ? "" : "s"}`;
  const waits = `${formatCount(event.rateLimitWaits)} rate-limit wait${event.rateLimitWaits === 1 ? "" : "s"}`;
  const state = event.state === "skipped" ? "complete" : event.state;
  const note = event.state === "skipped" ? " (stored before the resume)" : "";
  const text = `${state.padEnd(STATE_WIDTH)} ${pages}, ${items}, ${waits}${note}`;
  return event.error === undefined ? text : `${text}: ${event.error}`;
}
