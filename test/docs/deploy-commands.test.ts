import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Every Markdown file an operator reads: the README and docs/. */
function operatorDocs(): { file: string; text: string }[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', ...docs].map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
}

it('every command in the docs that copies dist/ to a host leaves out the functions directory file', () => {
  // `dist/_functions/directory.json` holds every agency's complaint mailbox, which no page shows (docs/DEPLOY.md).
  const copies: string[] = [];
  for (const { file, text } of operatorDocs()) {
    for (const [command] of text.matchAll(/`(?:rsync|rclone (?:sync|copy))\b[^`]*`/g)) {
      if (!/\bdist\b/.test(command)) continue;
      copies.push(`${file}: ${command}`);
      expect(command, `${file}: ${command}`).toMatch(/--exclude[= ]["']?\/?_functions/);
    }
  }
  // The deployment guide's own commands are among those checked.
  expect(copies.some((c) => c.startsWith(join('docs', 'DEPLOY.md')))).toBe(true);
});
