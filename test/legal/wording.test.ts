/**
 * Law and policy apart, in every user-facing sentence: 「按规定」 and its kin claim that a rule of law says so
 * without naming it. What the platform decides (routing, retention, deadlines) is said to be the platform's rule,
 * and what the regulations decide is quoted with its article; neither is a bare 「按规定」.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles, stripComments } from '../support/source-text.ts';

const root = resolve(new URL('../..', import.meta.url).pathname);
const UNNAMED_RULE = /按规定|按照规定|依规定|根据规定|依照规定|按有关规定|按相关规定/g;

describe('user-facing sentences name their rule', () => {
  it('no source outside comments says 「按规定」 without naming the rule', () => {
    const found: string[] = [];
    for (const path of ['src', 'functions', 'public'].flatMap((dir) => sourceFiles(root, dir, /\.(ts|tsx|astro|js)$/))) {
      const text = stripComments(readFileSync(join(root, path), 'utf8'));
      for (const m of text.matchAll(UNNAMED_RULE)) found.push(`${path}: …${text.slice(Math.max(0, m.index - 20), m.index + 20)}…`);
    }
    expect(found).toEqual([]);
  });
});
