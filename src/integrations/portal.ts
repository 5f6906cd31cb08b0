import type { AstroIntegration } from 'astro';
import { fork, type ChildProcess } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import type { PartDone, ToPart } from './portal-worker.ts';

/**
 * Builds what is not an Astro page — every certificate's verification page (`/verify/<no>/`), QR code
 * (`/verify/<no>/qr.svg`) and photo, the static name index and the Pagefind index — in PARTS child processes that
 * run beside Astro: each writes its share of the certificates; part 0 also writes the indexes and, once every part
 * is done, the functions' directory file.
 *
 * Child processes rather than worker threads: each has its own heap and its own peak (a 300,000-person site in one
 * process with Astro went past 1.5 GB), and they share out the certificates over both cores once Astro's own pages
 * are done (docs/BENCHMARKS.md). The parts write straight into the output folder, but only once Astro has emptied
 * it: Astro empties it after `astro:build:start`, just before Vite's build starts, so a Vite plugin's `buildStart`
 * tells them to go. (Staging the files elsewhere and renaming them into place cost a large share of the build:
 * docs/PORTAL.md.) Why not an endpoint per QR code: docs/PORTAL.md.
 */
export const PARTS = 2;
/** How long a part that is done may take to exit before it is stopped. */
const EXIT_GRACE_MS = 10_000;

export function portalIntegration(): AstroIntegration {
  let parts: ChildProcess[] = [];
  let result: Promise<PartDone[]> | undefined;
  let outDir = '';
  let signalled = false;
  const tell = (message: ToPart) => {
    for (const part of parts) if (part.connected) part.send(message);
  };
  return {
    name: 'gongshi-portal',
    hooks: {
      'astro:config:setup': ({ command, updateConfig }) => {
        if (command !== 'build') return;
        updateConfig({
          vite: {
            plugins: [
              {
                name: 'gongshi-portal-output-ready',
                buildStart() {
                  if (signalled || !parts.length) return;
                  signalled = true;
                  tell({ type: 'output-ready' });
                },
              },
            ],
          },
        });
      },
      'astro:config:done': ({ config }) => {
        outDir = fileURLToPath(config.outDir);
      },
      'astro:build:start': ({ logger }) => {
        // V8 keeps doubling the young generation while 100,000 records' short-lived strings go by; holding it at its
        // first size kept the build's peak memory down (docs/BENCHMARKS.md). Read at every scavenge, so setting it
        // now takes effect for this process; the parts set it for themselves.
        setFlagsFromString('--semi-space-growth-factor=1');
        const started = Date.now();
        const script = fileURLToPath(new URL('./portal-worker.ts', import.meta.url));
        parts = Array.from({ length: PARTS }, (_, part) =>
          fork(script, [], {
            env: { ...process.env, PORTAL_PART: String(part), PORTAL_PARTS: String(PARTS), PORTAL_OUT_DIR: outDir },
            // The records of the whole site are on each part's heap; this keeps a part from growing freely.
            execArgv: ['--max-old-space-size=768'],
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          }),
        );
        const done = parts.map(
          (child, part) =>
            new Promise<PartDone>((resolve, reject) => {
              child.on('message', (m: PartDone) => m.type === 'done' && resolve(m));
              child.once('error', reject);
              child.once('exit', (code, signal) => reject(new Error(`portal part ${part} exited with ${code ?? signal} before it was done`)));
            }),
        );
        result = Promise.all(done).then(async (results) => {
          // The directory file last, once every part's pages exist: functions watching the folder switch then.
          const first = parts[0]!;
          const written = new Promise<void>((resolve, reject) => {
            first.on('message', (m: { type: string }) => m.type === 'directory-written' && resolve());
            first.once('exit', (code) => reject(new Error(`portal part 0 exited with ${code} before the directory file was written`)));
          });
          first.send({ type: 'write-directory' } satisfies ToPart);
          await written;
          return results;
        });
        result.then(
          (all) => {
            const sum = (key: 'pageCount' | 'qrCount' | 'photoCount') => all.reduce((n, r) => n + r[key], 0);
            logger.info(
              `核验页 ${sum('pageCount')} 个、QR ${sum('qrCount')} 个、照片 ${sum('photoCount')} 张、搜索索引 ${all[0]!.searchRecords} 组（${PARTS} 个进程），用时 ${Date.now() - started} ms`,
            );
          },
          () => undefined,
        );
      },
      'astro:build:done': async () => {
        if (!result) return;
        if (!signalled) tell({ type: 'output-ready' });
        let failed = true;
        try {
          await result;
          failed = false;
        } finally {
          // After success the parts are exiting on their own; after a failure the others are stopped. Either way
          // they are waited for, so that none outlives the build (and the kernel counts their CPU in the build's).
          await Promise.all(
            parts.map((part) => {
              if (part.exitCode !== null || part.signalCode !== null) return undefined;
              const exited = new Promise((resolve) => part.once('exit', resolve));
              if (failed) part.kill();
              else setTimeout(() => part.kill(), EXIT_GRACE_MS).unref();
              return exited;
            }),
          );
        }
      },
    },
  };
}
