import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Each user-facing text has one home (a field table, a message catalogue): the same Chinese sentence written in
 * two source files drifts apart. Finds every literal run of Chinese text (in quotes, template literals or markup)
 * of 8 characters or more, outside comments, and reports those that stand in more than one file.
 */
const root = resolve(new URL('../..', import.meta.url).pathname);
const MIN = 8;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sources(path));
    else if (/\.(ts|tsx|astro)$/.test(entry.name)) out.push(path);
  }
  return out;
}

export function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1')
    .replace(/<!--[\s\S]*?-->/g, '');
}

/** Runs of text with at least MIN Chinese characters, split at interpolations, tags and quotes. */
export function messagesIn(text: string): string[] {
  const found: string[] = [];
  for (const piece of stripComments(text).split(/\$\{[^}]*\}|[{}<>'"`\n]/)) {
    const run = piece.trim();
    if ((run.match(/[\u4e00-\u9fff]/g) ?? []).length >= MIN) found.push(run);
  }
  return found;
}

describe('one home for each message', () => {
  it('finds a sentence written in two files (the check itself works)', () => {
    expect(messagesIn("const a = '受理编号格式不对，应像 TS-7K3M-9QX2'; // 注释里的说明文字不算在内的")).toEqual(['受理编号格式不对，应像 TS-7K3M-9QX2']);
    expect(messagesIn('<p>办理机关须为您的身份保密，不得透露给被反映的人。</p>')).toEqual(['办理机关须为您的身份保密，不得透露给被反映的人。']);
  });

  it('no message text stands in two source files', () => {
    const homes = new Map<string, Set<string>>();
    for (const file of [...sources('src'), ...sources('functions')]) {
      for (const message of messagesIn(readFileSync(join(root, file), 'utf8'))) {
        if (!homes.has(message)) homes.set(message, new Set());
        homes.get(message)!.add(file);
      }
    }
    const twice = [...homes].filter(([, files]) => files.size > 1).map(([m, files]) => `${m}  ←  ${[...files].join(', ')}`);
    expect(twice).toEqual([]);
  });
});
