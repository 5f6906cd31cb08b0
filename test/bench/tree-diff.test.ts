import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareTrees, hashTree, markOneLeft } from '../../scripts/bench/tree-diff.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A folder with these files, every one dated `at` (seconds since 1970). */
function tree(files: Record<string, string>, at: number): string {
  const root = mkdtempSync(join(tmpdir(), 'tree-diff-'));
  made.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
    utimesSync(join(root, name), at, at);
  }
  return root;
}

describe('what a sync uploads after a rebuild', () => {
  it('by content: only changed and new files; by size and time: every file written again', () => {
    const before = tree({ 'index.html': 'home', 'verify/A1/index.html': 'a1 在岗', 'verify/A2/index.html': 'a2', 'old.txt': 'x' }, 1_000);
    const after = tree({ 'index.html': 'home', 'verify/A1/index.html': 'a1 离岗', 'verify/A2/index.html': 'a2', 'verify/A3/index.html': 'a3' }, 2_000);
    const diff = compareTrees(hashTree(before), hashTree(after));
    expect(diff.all).toEqual({ files: 4, bytes: 4 + Buffer.byteLength('a1 离岗') + 2 + 2 });
    expect(diff.byContent).toMatchObject({ files: 2, changed: 1, added: 1, bytes: Buffer.byteLength('a1 离岗') + 2 });
    expect([...diff.byContent.byFolder]).toEqual([['verify/', 2]]);
    expect(diff.bySizeAndTime).toEqual(diff.all);
    expect(diff.removed).toBe(1);
  });

  it('a file kept with its size and time counts as unchanged by both, and links are followed', () => {
    const before = tree({ 'a.txt': 'same', 'b.txt': 'old!' }, 1_000);
    const after = tree({ 'a.txt': 'same', 'b.txt': 'new!' }, 1_000);
    const linked = join(tmpdir(), `tree-diff-link-${process.pid}`);
    made.push(linked);
    symlinkSync(after, linked);
    const diff = compareTrees(hashTree(before), hashTree(linked));
    // b.txt has the same size and time but other bytes: only a comparison by content sees it.
    expect(diff.bySizeAndTime.files).toBe(0);
    expect(diff.byContent).toMatchObject({ files: 1, changed: 1, added: 0 });
  });
});

describe('one auxiliary leaves', () => {
  const csv = [
    '\uFEFF姓名,单位,编号,岗位,状态,状态日期',
    '"王,五",某局,X-1,巡查员,在岗,2022-01-01',
    '李四,某局,X-2,巡查员,离岗,2023-01-01',
    '张三,某局,X-3,巡查员,在岗,2022-05-31',
    '',
  ].join('\r\n');

  it('the first unquoted row in post gets 离岗 and the date; nothing else changes', () => {
    const left = markOneLeft(csv, '2026-11-01');
    expect(left.certificateNo).toBe('X-3');
    expect(left.text).toBe(csv.replace('张三,某局,X-3,巡查员,在岗,2022-05-31', '张三,某局,X-3,巡查员,离岗,2026-11-01'));
  });

  it('a roster without the columns or without a row in post is refused, saying why', () => {
    expect(() => markOneLeft('姓名,单位\n张三,某局\n', '2026-11-01')).toThrow(/状态, 状态日期 or 编号/);
    expect(() => markOneLeft('姓名,编号,状态,状态日期\n张三,X-3,离岗,2023-01-01\n', '2026-11-01')).toThrow(/no unquoted row/);
  });
});
