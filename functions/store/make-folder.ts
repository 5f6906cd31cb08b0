import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`, one level at a time; the folders it makes get `mode`, existing ones are left alone. Node's own
 * `{ recursive: true }` never returns where a folder exists but cannot hold one (`/proc/x`, a path under a dangling
 * link): mkdir answers ENOENT, it makes the parent (EEXIST) and tries again, forever (operator trial: VAR_DIR=/proc/x
 * hung `npm start` at 100% CPU). Here that ENOENT is thrown, as mkdir's own error (`syscall` 'mkdir').
 */
export function makeFolder(path: string, mode = 0o777): void {
  const target = resolve(path);
  const missing: string[] = [];
  for (let at = target; !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  // A file where the folder should be fails as `mkdir -p` fails, with mkdir's own EEXIST.
  if (!missing.length && !statSync(target).isDirectory()) mkdirSync(target);
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode });
    } catch (error) {
      // Made meanwhile by another process; anything else at that path is the caller's error.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw error;
    }
  }
}

/**
 * Why makeFolder failed, in words for the operator's message about the setting that named the folder (VAR_DIR): a
 * file in the way, no right to write there, or a place where no folder can be made (/proc).
 */
export function folderFailure(code: string): string {
  if (code === 'EEXIST' || code === 'ENOTDIR') return '这个路径上或路径中有一个文件而不是目录';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return '没有写入权限';
  return '/proc、/sys 下不能建目录';
}
