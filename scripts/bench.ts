/**
 * `npm run bench [part…]`: runs each benchmark part in scripts/bench/ in its own process (so peak RSS is its
 * own) and prints its figures. Parts: roster, site, pages (page weight in Chromium under slow 3G), complaints, outbox
 * (the mail worker draining a backlog),
 * coldstart (a fresh process's first answer), publish (confirm → new pages served), sync (what a rebuild uploads),
 * store (the SQLite store's start check and the copy to PostgreSQL at 100,000 complaints).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const all = ['roster', 'site', 'pages', 'complaints', 'outbox', 'coldstart', 'publish', 'sync', 'store'];
const parts = process.argv.slice(2).length ? process.argv.slice(2) : all;
console.log(
  `# bench ${new Date().toISOString()} · node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? '?'} · ${Math.round(totalmem() / 2 ** 30)} GiB`,
);
let failed = false;
for (const part of parts) {
  const file = new URL(`./bench/${part}.ts`, import.meta.url).pathname;
  if (!existsSync(file)) {
    console.log(`\n## ${part}: not available (${file} missing)`);
    continue;
  }
  console.log(`\n## ${part}`);
  const run = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
