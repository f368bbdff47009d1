/**
 * The export folder: creating it, checking that it is new or empty, and finding and deleting the
 * files of an earlier export that its manifest lists.
 */
import type { Stats } from "node:fs";
import { lstat, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { InvalidInputError } from "../transport/errors.js";
import { isPlainRecord } from "./snapshot-source.js";

/** Name of the manifest file in the export folder. */
export const MANIFEST_FILE = "manifest.json";

/**
 * Creates `folder` and its missing parents one level at a time. `mkdir` with `recursive: true`
 * is avoided because on Node 20.20.2 it never settles for a path under /proc.
 *
 * @throws InvalidInputError when the path or a parent is a file, or a level cannot be created
 */
export async function createFolder(folder: string): Promise<void> {
  const target = path.resolve(folder);
  const missing: string[] = [];
  let current = target;
  for (;;) {
    const found = await statIfExists(current, folder);
    if (found !== undefined) {
      if (!found.isDirectory()) {
        throw notAFolderError(folder, current);
      }
      break;
    }

    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) {
      throw new InvalidInputError(`Cannot create the export folder ${folder}: ${current} does not exist. Pass a folder on an existing drive with --out.`);
    }
    current = parent;
  }

  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && (await statIfExists(level, folder))?.isDirectory() === true) {
        continue;
      }
      if (code === "EEXIST") {
        throw notAFolderError(folder, level);
      }
      const step = level === target ? "" : `: creating ${level} failed`;
      // procfs and sysfs return ENOENT from mkdir in a folder that exists.
      const reason = code === "ENOENT" ? "ENOENT: this file system does not allow a new folder there" : describeFileError(error);
      throw new InvalidInputError(`Cannot create the export folder ${folder}${step} (${reason}). Pass a folder you can write to with --out.`, {
        cause: error,
      });
    }
  }
}

/** Returns the stats of `file`, or undefined when it or a parent does not exist (ENOENT, ENOTDIR). */
async function statIfExists(file: string, folder: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      return undefined;
    }
    throw new InvalidInputError(`Cannot use ${folder} as the export folder: reading ${file} failed (${describeFileError(error)}). Pass another folder with --out.`, {
      cause: error,
    });
  }
}

function notAFolderError(folder: string, file: string): InvalidInputError {
  const problem = path.resolve(folder) === file ? `The export folder ${folder} is a file, not a folder` : `Cannot create the export folder ${folder}: ${file} is a file, not a folder`;
  return new InvalidInputError(`${problem}. Pass the path of a new or empty folder with --out.`);
}

/** Describes a file system error by its code in plain words, such as "EACCES: permission denied". */
function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
  };
  const reason = code === undefined ? undefined : reasons[code];
  return reason === undefined ? (error as Error).message : `${code}: ${reason}`;
}

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
