/**
 * What a sync tool would upload after a rebuild: two build folders compared file by file, once by content (MD5, the
 * ETag object storage gives a file uploaded in one part, and what `rclone sync --checksum` compares) and once by size
 * and modification time (what `rsync -a`, `aws s3 sync` and most sync tools compare by default).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface TreeFile {
  size: number;
  mtimeMs: number;
  md5: string;
}

/** Every file under `root` (links followed, as `rsync -aL` copies them), by its path relative to `root` with `/`. */
export function hashTree(root: string): Map<string, TreeFile> {
  const files = new Map<string, TreeFile>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = prefix + entry.name;
      const stat = entry.isSymbolicLink() ? statSync(path) : lstatSync(path);
      if (stat.isDirectory()) walk(path, `${name}/`);
      else if (stat.isFile()) {
        files.set(name, { size: stat.size, mtimeMs: stat.mtimeMs, md5: createHash('md5').update(readFileSync(path)).digest('hex') });
      }
    }
  };
  walk(root, '');
  return files;
}

export interface Upload {
  files: number;
  bytes: number;
}

export interface TreeDiff {
  /** The new tree's size: a first upload. */
  all: Upload;
  /** Files whose content differs or that are new, compared by content. */
  byContent: Upload & { changed: number; added: number; byFolder: Map<string, number> };
  /** The same compared by size and modification time. */
  bySizeAndTime: Upload;
  /** Files of the old tree that are gone from the new one (a sync deletes them). */
  removed: number;
}

/** What uploading `after` over a copy of `before` sends. */
export function compareTrees(before: Map<string, TreeFile>, after: Map<string, TreeFile>): TreeDiff {
  const diff: TreeDiff = {
    all: { files: 0, bytes: 0 },
    byContent: { files: 0, bytes: 0, changed: 0, added: 0, byFolder: new Map() },
    bySizeAndTime: { files: 0, bytes: 0 },
    removed: 0,
  };
  for (const [name, file] of after) {
    diff.all.files++;
    diff.all.bytes += file.size;
    const old = before.get(name);
    if (!old || old.size !== file.size || old.mtimeMs !== file.mtimeMs) {
      diff.bySizeAndTime.files++;
      diff.bySizeAndTime.bytes += file.size;
    }
    if (old && old.md5 === file.md5) continue;
    if (old) diff.byContent.changed++;
    else diff.byContent.added++;
    diff.byContent.files++;
    diff.byContent.bytes += file.size;
    const folder = name.includes('/') ? `${name.slice(0, name.indexOf('/'))}/` : name;
    diff.byContent.byFolder.set(folder, (diff.byContent.byFolder.get(folder) ?? 0) + 1);
  }
  for (const name of before.keys()) if (!after.has(name)) diff.removed++;
  return diff;
}

/**
 * One auxiliary leaves: the first row of a UTF-8 CSV roster whose 状态 is 在岗 gets 离岗 and `date` as its 状态日期.
 * Returns the new text and the row's 编号; throws, naming the reason, when the file has no such row.
 */
export function markOneLeft(csv: string, date: string): { text: string; certificateNo: string } {
  const lines = csv.split('\n');
  const header = lines[0]!
    .replace(/^\uFEFF/, '')
    .replace(/\r$/, '')
    .split(',');
  const status = header.indexOf('状态');
  const since = header.indexOf('状态日期');
  const number = header.indexOf('编号');
  if (status < 0 || since < 0 || number < 0) throw new Error(`markOneLeft: the header has no 状态, 状态日期 or 编号 column: ${lines[0]}`);
  for (let i = 1; i < lines.length; i++) {
    const cr = lines[i]!.endsWith('\r');
    const cells = lines[i]!.replace(/\r$/, '').split(',');
    // Quoted cells may hold commas: such rows are passed over rather than split wrongly.
    if (lines[i]!.includes('"') || cells.length !== header.length || cells[status] !== '在岗') continue;
    cells[status] = '离岗';
    cells[since] = date;
    lines[i] = cells.join(',') + (cr ? '\r' : '');
    return { text: lines.join('\n'), certificateNo: cells[number]! };
  }
  throw new Error('markOneLeft: no unquoted row with 状态 在岗');
}
