// The folders that hold dr's private files, checked before a file goes in them.
//
// Promises: a folder dr owns (config, data, default spool) that already exists is tightened to
// 0700 if it is this user's (the Go dr makes ~/.config/datarobot 0755); a folder the user named is
// never changed, only checked: one another user owns, or others may write to, is refused. On
// systems without user ids (Windows) neither applies.
import { chmodSync, lstatSync, statSync } from 'node:fs';
import { PRIVATE_DIR_MODE } from './private-files.ts';

/** Makes `dir` 0700 if it is a folder of this user's with a wider mode. Never throws. */
export function tightenOwnFolder(dir: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  try {
    // lstat: a symlink standing for the folder is not followed to chmod whatever it points at.
    const stats = lstatSync(dir, { throwIfNoEntry: false });
    if (stats === undefined || !stats.isDirectory() || stats.uid !== uid) return;
    if ((stats.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
  } catch {
    // A folder that cannot be changed is checked by unsafeFolderReason where it matters.
  }
}

/**
 * Why `dir` may not hold dr's private files (another user owns it, or users other than its owner
 * may write to it), in words for a debug line or `status`; undefined when it is safe, does not
 * exist yet (dr makes it 0700), or cannot be a folder at all (the spool reports that itself).
 */
export function unsafeFolderReason(dir: string): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(dir, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (stats === undefined || !stats.isDirectory()) return undefined;
  if (stats.uid !== uid) return `the folder ${dir} belongs to another user (uid ${stats.uid})`;
  const mode = stats.mode & 0o7777;
  if ((mode & 0o022) === 0) return undefined;
  const who = mode & 0o002 ? 'every user' : 'its group';
  return `the folder ${dir} can be written by ${who} (mode ${mode.toString(8).padStart(4, '0')}); make it 0700 (chmod 700)`;
}
