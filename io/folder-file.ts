/**
 * Files that a folder's own index names (the `model.json` and weight shards of a tfjs folder),
 * confined to that folder: the name must be relative, without `..`, and every symbolic link on
 * the way must lead to a place inside the folder. A name that breaks the rule gets one message
 * whatever lies outside (a file, a folder, nothing), so nothing about other files is disclosed:
 * not whether they exist, their kind or their size.
 */
import { lstat, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { readRegularFile, type ReadLimit } from './read-file.js';

/** A name in a folder's index that leads outside the folder (or nowhere through a link). */
export class OutsideFolderError extends Error {
  override name = 'OutsideFolderError';
  constructor(
    /** The name as the index gives it. */
    readonly member: string,
    /** Why: `an absolute path`, `a symbolic link leading out of it`... */
    readonly reason: string,
  ) {
    super(`'${member}' is outside the folder (${reason})`);
  }
}

/** Why `member` is no plain relative name inside a folder, or undefined when it is one. */
function lexicalProblem(member: string): string | undefined {
  if (member === '') return 'an empty name';
  if (member.includes('\0')) return 'a NUL character in the name';
  if (member.startsWith('/') || /^[A-Za-z]:[\\/]/.test(member) || member.startsWith('\\'))
    return 'an absolute path';
  if (member.split(/[\\/]/).includes('..')) return "a path going up with '..'";
  return undefined;
}

/** The reason given for every link that leaves the folder, whatever it points at. */
const LINK_OUT = 'a symbolic link leading out of it';

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
};

/**
 * The real path of `member` inside `dir`, each symbolic link followed and required to stay
 * inside. Throws `OutsideFolderError` for a name that leaves the folder; a file system error
 * (`ENOENT`...) only for a name whose missing part lies inside the folder.
 */
export async function resolveInFolder(dir: string, member: string): Promise<string> {
  const problem = lexicalProblem(member);
  if (problem) throw new OutsideFolderError(member, problem);
  const root = await realpath(dir);
  let current = root;
  for (const part of member.split('/')) {
    if (part === '' || part === '.') continue;
    const next = join(current, part);
    // `current` is inside the folder, so an error here (`ENOENT`) is about a path inside it.
    if (!(await lstat(next)).isSymbolicLink()) {
      current = next;
      continue;
    }
    let target: string;
    try {
      target = await realpath(next);
    } catch {
      // A dangling or looping link: where it points is not said.
      throw new OutsideFolderError(member, LINK_OUT);
    }
    if (!inside(root, target)) throw new OutsideFolderError(member, LINK_OUT);
    current = target;
  }
  return current;
}

/**
 * The bytes of the file `member` of `dir` (`resolveInFolder`, then `readRegularFile` on the
 * resolved path without following a link, so a link swapped in meanwhile is refused).
 */
export async function readFolderFile(
  dir: string,
  member: string,
  limit: ReadLimit,
  shownAs: string,
): Promise<Uint8Array> {
  const path = await resolveInFolder(dir, member);
  try {
    return await readRegularFile(path, limit, { noFollow: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP')
      throw new OutsideFolderError(member, LINK_OUT);
    throw renamed(e, path, shownAs);
  }
}

/** `e` with the resolved path in its message replaced by the name the user knows. */
function renamed(e: unknown, path: string, shownAs: string): unknown {
  if (e instanceof Error && path !== shownAs) e.message = e.message.split(path).join(shownAs);
  return e;
}
