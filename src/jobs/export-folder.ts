/**
 * The export folder: checking that it is new or empty, and finding and deleting the files of an
 * earlier export that its manifest lists.
 */
import type { Stats } from "node:fs";
import { lstat, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { describeFileError } from "../folders.js";
import { InvalidInputError } from "../transport/errors.js";
import { isPlainRecord } from "./snapshot-source.js";

/** Name of the manifest file in the export folder. */
export const MANIFEST_FILE = "manifest.json";

/**
 * Checks that `folder` may be written and returns the file names that an earlier export in it
 * wrote (its manifest's files and the manifest itself), or [] when there is none.
 *
 * @throws InvalidInputError when the folder is not empty and `overwrite` is false, or its
 *   manifest.json cannot be read as an export manifest
 */
export async function claimFolder(folder: string, overwrite: boolean): Promise<string[]> {
  let entries: string[];
  try {
    entries = (await readdir(folder)).sort();
  } catch (error) {
    throw new InvalidInputError(`Cannot read the export folder ${folder} (${describeFileError(error)}). Pass a folder you can read and write with --out.`, {
      cause: error,
    });
  }
  if (entries.length === 0) {
    return [];
  }
  if (!overwrite) {
    const examples = entries.slice(0, 3).join(", ");
    const more = entries.length > 3 ? ` and ${entries.length - 3} more` : "";
    throw new InvalidInputError(
      `The export folder ${folder} is not empty: it contains ${examples}${more}. ` +
        `Pass --force to replace an earlier export there (only the files its ${MANIFEST_FILE} lists are deleted), or choose a new or empty folder with --out.`,
    );
  }
  if (!entries.includes(MANIFEST_FILE)) {
    return [];
  }
  return [...(await readManifestFileNames(path.join(folder, MANIFEST_FILE))), MANIFEST_FILE];
}

/**
 * Reads the file names an export manifest lists. Each must be a plain name within the folder,
 * so replacing an export never deletes a file elsewhere.
 *
 * @throws InvalidInputError when the file is not a manifest that `exportSource` writes
 */
async function readManifestFileNames(manifestPath: string): Promise<string[]> {
  const reject = (reason: string, cause?: unknown): InvalidInputError =>
    new InvalidInputError(
      `${manifestPath} is not the manifest of a wxadmin export (${reason}), so it is unclear which files to replace. Move it away, or choose a new or empty folder with --out.`,
      { cause },
    );

  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(manifestPath, "utf8"));
  } catch (error) {
    throw reject(error instanceof SyntaxError ? `invalid JSON: ${error.message}` : describeFileError(error), error);
  }
  const files = isPlainRecord(parsed) ? parsed.files : undefined;
  if (!Array.isArray(files)) {
    throw reject('no "files" list');
  }

  const names: string[] = [];
  for (const entry of files) {
    const name = isPlainRecord(entry) ? entry.file : undefined;
    if (typeof name !== "string" || name === "" || name === "." || name === ".." || path.basename(name) !== name) {
      throw reject(`the file entry ${JSON.stringify(name ?? entry)} is not a plain file name`);
    }
    names.push(name);
  }
  return names;
}

/** Deletes `file` when it is a regular file; returns false when it was missing or is not a regular file. */
export async function removeFile(file: string): Promise<boolean> {
  let found: Stats;
  try {
    found = await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return false;
    }
    throw new InvalidInputError(`Cannot replace ${file} of the earlier export (${describeFileError(error)}). Delete it yourself, or choose a new or empty folder with --out.`, {
      cause: error,
    });
  }
  if (!found.isFile()) {
    return false;
  }
  try {
    await rm(file);
  } catch (error) {
    throw new InvalidInputError(`Cannot delete ${file} of the earlier export (${describeFileError(error)}). Delete it yourself, or choose a new or empty folder with --out.`, {
      cause: error,
    });
  }
  return true;
}
