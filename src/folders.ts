/**
 * Creating an output folder with clear errors, shared by the commands that write files into
 * one (export) or next to one (the audit's HTML report).
 */
import type { Stats } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { InvalidInputError } from "./transport/errors.js";

/** The folder's role in messages. */
export interface FolderRole {
  /** Its name, such as "export folder". */
  name: string;
  /** The option that sets it, such as "--out". */
  option: string;
  /** The last sentence of a message about a path that is a file, such as "Pass the path of a new or empty folder with --out." */
  notAFolderFix: string;
}

/**
 * Creates `folder` and its missing parents one level at a time. `mkdir` with `recursive: true`
 * is avoided because on Node 20.20.2 it never settles for a path under /proc.
 *
 * @throws InvalidInputError when the path or a parent is a file, or a level cannot be created
 */
export async function createFolder(folder: string, role: FolderRole): Promise<void> {
  const target = path.resolve(folder);
  const missing: string[] = [];
  let current = target;
  for (;;) {
    const found = await statIfExists(current, folder, role);
    if (found !== undefined) {
      if (!found.isDirectory()) {
        throw notAFolderError(folder, current, role);
      }
      break;
    }

    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) {
      throw new InvalidInputError(`Cannot create the ${role.name} ${folder}: ${current} does not exist. Pass a folder on an existing drive with ${role.option}.`);
    }
    current = parent;
  }

  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && (await statIfExists(level, folder, role))?.isDirectory() === true) {
        continue;
      }
      if (code === "EEXIST") {
        throw notAFolderError(folder, level, role);
      }
      const step = level === target ? "" : `: creating ${level} failed`;
      // procfs and sysfs return ENOENT from mkdir in a folder that exists.
      const reason = code === "ENOENT" ? "ENOENT: this file system does not allow a new folder there" : describeFileError(error);
      throw new InvalidInputError(`Cannot create the ${role.name} ${folder}${step} (${reason}). Pass a folder you can write to with ${role.option}.`, {
        cause: error,
      });
    }
  }
}

/** Describes a file system error by its code in plain words, such as "EACCES: permission denied". */
export function describeFileError(error: unknown): string {
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

/** Returns the stats of `file`, or undefined when it or a parent does not exist (ENOENT, ENOTDIR). */
async function statIfExists(file: string, folder: string, role: FolderRole): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      return undefined;
    }
    throw new InvalidInputError(`Cannot use ${folder} as the ${role.name}: reading ${file} failed (${describeFileError(error)}). Pass another folder with ${role.option}.`, {
      cause: error,
    });
  }
}

function notAFolderError(folder: string, file: string, role: FolderRole): InvalidInputError {
  const problem =
    path.resolve(folder) === file ? `The ${role.name} ${folder} is a file, not a folder` : `Cannot create the ${role.name} ${folder}: ${file} is a file, not a folder`;
  return new InvalidInputError(`${problem}. ${role.notAFolderFix}`);
}
