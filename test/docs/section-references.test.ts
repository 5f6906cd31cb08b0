import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { sourceFiles } from '../support/source-text.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A message that sends the operator to a section of a doc (「docs/DEPLOY.md“From SQLite to PostgreSQL”」) names a
 * heading that is there, word for word: a trial found three messages pointing at a Chinese title the English doc
 * does not have.
 */
it('every docs/….md“section” a message names is a heading of that doc', () => {
  const references: string[] = [];
  const missing: string[] = [];
  for (const path of ['functions', 'scripts', 'src'].flatMap((dir) => sourceFiles(ROOT, dir))) {
    const text = readFileSync(join(ROOT, path), 'utf8');
    for (const [, doc, section] of text.matchAll(/(docs\/[A-Za-z-]+\.md)“([^”]+)”/g)) {
      references.push(`${doc} ${section}`);
      const headings = readFileSync(join(ROOT, doc!), 'utf8')
        .split('\n')
        .filter((line) => /^#{1,6} /.test(line))
        .map((line) => line.replace(/^#+ /, '').trim());
      if (!headings.includes(section!)) missing.push(`${path}: ${doc}“${section}”`);
    }
  }
  expect(references.length).toBeGreaterThan(0);
  expect(missing).toEqual([]);
});
