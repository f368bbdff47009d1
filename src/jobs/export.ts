/**
 * Writes a snapshot to files, one per kind, plus `manifest.json` describing the snapshot.
 *
 * - JSON: an array with one object per line, each exactly as stored, so `JSON.parse` of the file
 *   gives back the stored objects.
 * - CSV (RFC 4180): one row per object, nested fields flattened to dotted headers
 *   (`address.city`), arrays written as JSON text in one cell, CRLF line ends, and a field quoted
 *   when it holds a comma, a quote or a line break. The headers are the union of every object's
 *   fields in first-seen order, so each kind is read twice. Values are written as stored, so a
 *   phone number such as `+12175550100` reads back unchanged. The `excelSafe` option guards
 *   against spreadsheet formula injection instead, at the cost of that round trip.
 *
 * Files are written under a temporary name and renamed when complete, so a failed export never
 * leaves a truncated file under the final name. The manifest is written last, so a folder with
 * a manifest contains a finished export.
 *
 * The folder must be new or empty. With `overwrite`, an earlier export in it is replaced: the
 * files its manifest lists are deleted or rewritten, and every other file is kept.
 */
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Snapshot, SnapshotDb } from "../storage/snapshot-db.js";
import { InvalidInputError } from "../transport/errors.js";
import { createFolder } from "../folders.js";
import { claimFolder, MANIFEST_FILE, removeFile } from "./export-folder.js";
import { isPlainRecord, snapshotSource, type SnapshotSource, type StoredObject } from "./snapshot-source.js";

/** Export file formats. */
export type ExportFormat = "json" | "csv";

/** Options of `exportSnapshot`. */
export interface ExportOptions {
  format: ExportFormat;
  /** Folder for the files; created when missing. It must be empty unless `overwrite` is set. */
  outDir: string;
  /**
   * Replace an earlier export in a folder that is not empty: delete its manifest.json and the
   * files it lists that this export does not rewrite, keep every other file, then write.
   * Default false: a folder that contains anything is rejected.
   */
  overwrite?: boolean;
  /** Kinds to export. Default: every kind of the snapshot. */
  kinds?: string[];
  /**
   * CSV only: prefix every text cell that starts with `=`, `+`, `-`, `@`, a tab, a carriage
   * return or NUL with a single quote. A spreadsheet program then shows the cell as text instead
   * of running it as a formula (CSV injection). The quote becomes part of the value, so such a
   * file no longer contains the stored values exactly. Default false: cells are written as stored.
   */
  excelSafe?: boolean;
}

/** One written file. */
export interface ExportedFile {
  kind: string;
  /** Path of the file, as `outDir` was given joined with the file name. */
  path: string;
  /** Objects written. */
  count: number;
  /** False when the backup of the kind did not finish, so the file contains only the objects read before it stopped. */
  complete: boolean;
}

/** The files an export wrote. */
export interface ExportResult {
  manifestPath: string;
  files: ExportedFile[];
  /** Files of an earlier export in the folder that this one deleted, because it does not rewrite them. */
  removedFiles: string[];
}

/** The manifest written next to the exported files. */
export interface ExportManifest {
  snapshot: Snapshot | Record<string, unknown>;
  format: ExportFormat;
  /** CSV exports only: whether cells were written with the `excelSafe` quote prefix. */
  excelSafe?: boolean;
  exportedAt: string;
  /** The written files by name within the folder; `complete` is false for a kind whose backup did not finish. */
  files: Array<{ kind: string; file: string; count: number; complete: boolean }>;
}

export { MANIFEST_FILE };

/**
 * Exports snapshot `snapshotId` of `db`.
 *
 * @throws InvalidInputError when the snapshot does not exist, the format is unknown, a kind is
 *   not in the snapshot, or the folder is not empty (without `overwrite`) or cannot be written
 */
export async function exportSnapshot(db: SnapshotDb, snapshotId: number, options: ExportOptions): Promise<ExportResult> {
  const snapshot = db.requireSnapshot(snapshotId);
  // The manifest gets the same fields as `snapshots show --json`. The counts of a snapshot that
  // has not finished are counted from its stored objects, and `effectiveStatus` distinguishes a
  // stopped backup from a running one.
  const row = { ...snapshot, counts: db.currentCounts(snapshot), effectiveStatus: db.describeStatus(snapshot).effectiveStatus };
  return exportSource(snapshotSource(db, snapshotId), row, options);
}

/**
 * Exports the objects of `source`; `snapshot` is written into the manifest as given.
 *
 * @throws InvalidInputError for an unknown format or kind, `excelSafe` with JSON, or a folder
 *   that is not empty (without `overwrite`) or cannot be written
 */
export async function exportSource(
  source: SnapshotSource,
  snapshot: Snapshot | Record<string, unknown>,
  options: ExportOptions,
): Promise<ExportResult> {
  if (options.format !== "json" && options.format !== "csv") {
    throw new InvalidInputError(`Invalid export format "${String(options.format)}": expected json or csv.`);
  }
  const excelSafe = options.excelSafe === true;
  if (excelSafe && options.format !== "csv") {
    throw new InvalidInputError(`The excelSafe option applies to CSV exports only, but the format is ${options.format}; JSON files keep every value exactly as stored.`);
  }
  const kinds = chooseKinds(source, options.kinds, typeof snapshot.id === "number" ? `Snapshot ${snapshot.id}` : "The snapshot");
  await createFolder(options.outDir, {
    name: "export folder",
    option: "--out",
    notAFolderFix: "Pass the path of a new or empty folder with --out.",
  });
  const earlierFiles = await claimFolder(options.outDir, options.overwrite === true);
  const manifestPath = path.join(options.outDir, MANIFEST_FILE);
  const fileNames = new Map(kinds.map((kind) => [kind, `${kind}.${options.format}`]));

  // The earlier manifest goes first, so a failure below cannot leave a folder that claims to
  // contain the earlier export. Its files that this export does not rewrite go before writing, so
  // after a failure the folder contains only files of this export and a rerun replaces them all.
  const removedFiles: string[] = [];
  const rewritten = new Set(fileNames.values());
  if (earlierFiles.length > 0) {
    await removeFile(manifestPath);
  }
  for (const name of earlierFiles) {
    const file = path.join(options.outDir, name);
    if (name !== MANIFEST_FILE && !rewritten.has(name) && (await removeFile(file))) {
      removedFiles.push(file);
    }
  }

  const files: ExportedFile[] = [];
  for (const [kind, name] of fileNames) {
    const file = path.join(options.outDir, name);
    const count =
      options.format === "json" ? await writeAtomically(file, jsonLines(source.objects(kind))) : await writeCsvFile(file, source, kind, excelSafe);
    files.push({ kind, path: file, count, complete: source.isKindComplete(kind) });
  }

  const manifest: ExportManifest = {
    snapshot,
    format: options.format,
    ...(options.format === "csv" ? { excelSafe } : {}),
    exportedAt: new Date().toISOString(),
    files: files.map((file) => ({ kind: file.kind, file: path.basename(file.path), count: file.count, complete: file.complete })),
  };
  await writeAtomically(manifestPath, textChunks(`${JSON.stringify(manifest, null, 2)}\n`));
  return { manifestPath, files, removedFiles };
}

/** `subject` names the snapshot in the error, such as "Snapshot 2". */
function chooseKinds(source: SnapshotSource, requested: string[] | undefined, subject: string): string[] {
  const available = source.kinds();
  if (requested === undefined) {
    return available;
  }
  const unknown = requested.filter((kind) => !available.includes(kind));
  if (unknown.length > 0) {
    const missing = unknown.length === 1 ? `no kind ${unknown[0]}` : `no kinds ${unknown.join(", ")}`;
    throw new InvalidInputError(`${subject} has ${missing}; its kinds are ${available.join(", ")}. Pass some of those with --kinds.`);
  }
  return requested;
}

// ---- JSON ----

/** Yields a JSON array text with one object per line; the generator's return value is the count. */
async function* jsonLines(objects: Iterable<StoredObject> | AsyncIterable<StoredObject>): AsyncGenerator<string, number> {
  let count = 0;
  yield "[";
  for await (const object of objects) {
    yield `${count === 0 ? "\n" : ",\n"}${JSON.stringify(object.value)}`;
    count += 1;
  }
  yield count === 0 ? "]\n" : "\n]\n";
  return count;
}

// ---- CSV ----

async function writeCsvFile(file: string, source: SnapshotSource, kind: string, excelSafe: boolean): Promise<number> {
  const headers = new Map<string, number>();
  for await (const object of source.objects(kind)) {
    for (const [header] of flattenObject(object.value)) {
      if (!headers.has(header)) {
        headers.set(header, headers.size);
      }
    }
  }
  return writeAtomically(file, csvLines([...headers.keys()], source.objects(kind), excelSafe));
}

async function* csvLines(
  headers: string[],
  objects: Iterable<StoredObject> | AsyncIterable<StoredObject>,
  excelSafe: boolean,
): AsyncGenerator<string, number> {
  let count = 0;
  yield formatCsvRow(excelSafe ? headers.map(escapeFormula) : headers);
  for await (const object of objects) {
    const cells = new Map(flattenObject(object.value, excelSafe));
    yield formatCsvRow(headers.map((header) => cells.get(header) ?? ""));
    count += 1;
  }
  return count;
}

/**
 * Flattens an object to `[header, cell]` pairs: nested objects become dotted headers, arrays and
 * empty objects become JSON text, `null` an empty cell, numbers and booleans their JSON text.
 * With `excelSafe`, text cells pass through `escapeFormula`. Headers stay as they are here,
 * because they are also the keys that rows are matched by.
 */
export function flattenObject(value: Record<string, unknown>, excelSafe = false, prefix = ""): Array<[string, string]> {
  const cells: Array<[string, string]> = [];
  for (const [key, field] of Object.entries(value)) {
    const header = prefix === "" ? key : `${prefix}.${key}`;
    if (isPlainRecord(field) && Object.keys(field).length > 0) {
      cells.push(...flattenObject(field, excelSafe, header));
    } else {
      cells.push([header, formatCell(field, excelSafe)]);
    }
  }
  return cells;
}

function formatCell(value: unknown, excelSafe: boolean): string {
  if (value === null || value === undefined) {
    return "";
  }
  if (typeof value === "string") {
    return excelSafe ? escapeFormula(value) : value;
  }
  // A JSON number, boolean, array or object never starts like a formula: a negative number is
  // read as a number, and arrays and objects start with a bracket.
  return JSON.stringify(value);
}

/**
 * First characters of a cell that spreadsheet programs may read as the start of a formula:
 * `=`, `+`, `-`, `@`, tab and NUL as OWASP ASVS 5.0 requirement 1.2.10 lists them, and
 * carriage return, which common CSV-injection guards add.
 */
const FORMULA_START = /^[=+\-@\t\r\0]/;

/** Returns `cell` with a single quote in front when it starts like a formula, so spreadsheets show it as text. */
export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * Formats one CSV record with its CRLF line end. A field is quoted, with quotes doubled, when it
 * contains a comma, a quote, CR or LF (RFC 4180 section 2).
 */
export function formatCsvRow(fields: string[]): string {
  return `${fields.map(quoteCsvField).join(",")}\r\n`;
}

function quoteCsvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

// ---- files ----

async function* textChunks(text: string): AsyncGenerator<string, number> {
  yield text;
  return 1;
}

/**
 * Writes the chunks of `content` to `file` through a temporary file and returns the
 * generator's return value (the object count).
 */
async function writeAtomically(file: string, content: AsyncGenerator<string, number>): Promise<number> {
  const partial = `${file}.partial`;
  let count = 0;
  const counted = async function* (): AsyncGenerator<string> {
    for (;;) {
      const step = await content.next();
      if (step.done) {
        count = step.value;
        return;
      }
      yield step.value;
    }
  };

  try {
    await pipeline(Readable.from(counted()), createWriteStream(partial, { mode: 0o600 }));
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    const isFileError = typeof (error as NodeJS.ErrnoException).syscall === "string";
    if (!isFileError) {
      throw error;
    }
    throw new InvalidInputError(`Cannot write ${file}: ${(error as Error).message}. Pass a writable folder with --out.`, { cause: error });
  }
  return count;
}
