/**
 * Writes a snapshot to files, one per kind, plus `manifest.json` describing the snapshot.
 *
 * - JSON: an array with one object per line, each exactly as stored, so `JSON.parse` of the file
 *   gives back the stored objects.
 * - CSV (RFC 4180): one row per object, nested fields flattened to dotted headers
 *   (`address.city`), arrays written as JSON text in one cell, CRLF line ends, and a field quoted
 *   when it holds a comma, a quote or a line break. The headers are the union of every object's
 *   fields in first-seen order, so each kind is read twice.
 *
 * Files are written under a temporary name and renamed when complete, so a failed export never
 * leaves a truncated file under the final name.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Snapshot, SnapshotDb } from "../storage/snapshot-db.js";
import { InvalidInputError } from "../transport/errors.js";
import { isPlainRecord, snapshotSource, type SnapshotSource, type StoredObject } from "./snapshot-source.js";

/** Export file formats. */
export type ExportFormat = "json" | "csv";

/** Options of `exportSnapshot`. */
export interface ExportOptions {
  format: ExportFormat;
  /** Folder for the files; created when missing. Files of the same names are replaced. */
  outDir: string;
  /** Kinds to export. Default: every kind of the snapshot. */
  kinds?: string[];
}

/** One written file. */
export interface ExportedFile {
  kind: string;
  /** Path of the file, as `outDir` was given joined with the file name. */
  path: string;
  /** Objects written. */
  count: number;
}

/** The files an export wrote. */
export interface ExportResult {
  manifestPath: string;
  files: ExportedFile[];
}

/** The manifest written next to the exported files. */
export interface ExportManifest {
  snapshot: Snapshot | Record<string, unknown>;
  format: ExportFormat;
  exportedAt: string;
  files: Array<{ kind: string; file: string; count: number }>;
}

/** Name of the manifest file in the export folder. */
export const MANIFEST_FILE = "manifest.json";

/**
 * Exports snapshot `snapshotId` of `db`.
 *
 * @throws InvalidInputError when the snapshot does not exist, the format is unknown, a kind is
 *   not in the snapshot, or the folder cannot be written
 */
export async function exportSnapshot(db: SnapshotDb, snapshotId: number, options: ExportOptions): Promise<ExportResult> {
  const snapshot = db.requireSnapshot(snapshotId);
  return exportSource(snapshotSource(db, snapshotId), snapshot, options);
}

/**
 * Exports the objects of `source`; `snapshot` is written into the manifest as given.
 *
 * @throws InvalidInputError for an unknown format or kind, or a folder that cannot be written
 */
export async function exportSource(
  source: SnapshotSource,
  snapshot: Snapshot | Record<string, unknown>,
  options: ExportOptions,
): Promise<ExportResult> {
  if (options.format !== "json" && options.format !== "csv") {
    throw new InvalidInputError(`Invalid export format "${String(options.format)}": expected json or csv.`);
  }
  const kinds = chooseKinds(source, options.kinds);
  await createFolder(options.outDir);

  const files: ExportedFile[] = [];
  for (const kind of kinds) {
    const file = path.join(options.outDir, `${kind}.${options.format}`);
    const count =
      options.format === "json" ? await writeAtomically(file, jsonLines(source.objects(kind))) : await writeCsvFile(file, source, kind);
    files.push({ kind, path: file, count });
  }

  const manifest: ExportManifest = {
    snapshot,
    format: options.format,
    exportedAt: new Date().toISOString(),
    files: files.map((file) => ({ kind: file.kind, file: path.basename(file.path), count: file.count })),
  };
  const manifestPath = path.join(options.outDir, MANIFEST_FILE);
  await writeAtomically(manifestPath, textChunks(`${JSON.stringify(manifest, null, 2)}\n`));
  return { manifestPath, files };
}

function chooseKinds(source: SnapshotSource, requested: string[] | undefined): string[] {
  const available = source.kinds();
  if (requested === undefined) {
    return available;
  }
  const unknown = requested.filter((kind) => !available.includes(kind));
  if (unknown.length > 0) {
    throw new InvalidInputError(`The snapshot has no kind ${unknown.join(", ")}; its kinds are ${available.join(", ")}.`);
  }
  return requested;
}

async function createFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new InvalidInputError(`Cannot create the export folder ${folder}: ${(error as Error).message}. Pass a writable folder with --out.`, {
      cause: error,
    });
  }
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

async function writeCsvFile(file: string, source: SnapshotSource, kind: string): Promise<number> {
  const headers = new Map<string, number>();
  for await (const object of source.objects(kind)) {
    for (const [header] of flattenObject(object.value)) {
      if (!headers.has(header)) {
        headers.set(header, headers.size);
      }
    }
  }
  return writeAtomically(file, csvLines([...headers.keys()], source.objects(kind)));
}

async function* csvLines(headers: string[], objects: Iterable<StoredObject> | AsyncIterable<StoredObject>): AsyncGenerator<string, number> {
  let count = 0;
  yield formatCsvRow(headers);
  for await (const object of objects) {
    const cells = new Map(flattenObject(object.value));
    yield formatCsvRow(headers.map((header) => cells.get(header) ?? ""));
    count += 1;
  }
  return count;
}

/**
 * Flattens an object to `[header, cell]` pairs: nested objects become dotted headers, arrays and
 * empty objects become JSON text, `null` an empty cell, numbers and booleans their JSON text.
 */
export function flattenObject(value: Record<string, unknown>, prefix = ""): Array<[string, string]> {
  const cells: Array<[string, string]> = [];
  for (const [key, field] of Object.entries(value)) {
    const header = prefix === "" ? key : `${prefix}.${key}`;
    if (isPlainRecord(field) && Object.keys(field).length > 0) {
      cells.push(...flattenObject(field, header));
    } else {
      cells.push([header, formatCell(field)]);
    }
  }
  return cells;
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) {
    return "";
  }
  if (typeof value === "string") {
    return value;
  }
  return JSON.stringify(value);
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
