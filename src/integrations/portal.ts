import type { AstroIntegration } from 'astro';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

/**
 * Builds what is not an Astro page — every certificate's verification page (`/verify/<no>/`), QR code
 * (`/verify/<no>/qr.svg`) and photo, and the Pagefind index — in a worker thread that runs on the second core
 * while Astro renders the other pages on the first.
 *
 * The worker writes straight into the output folder, but only once Astro has emptied it: Astro empties it after
 * `astro:build:start`, just before Vite's build starts, so a Vite plugin's `buildStart` tells the worker to go.
 * (Staging the files elsewhere and renaming them into place afterwards cost a large share of the build: docs/PORTAL.md.)
 * Why a worker and not an endpoint per QR code: docs/PORTAL.md.
 */
export function portalIntegration(): AstroIntegration {
  let worker: Worker | undefined;
  let result: Promise<WorkerResult> | undefined;
  let outDir = '';
  let signalled = false;
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
                  if (signalled || !worker) return;
                  signalled = true;
                  worker.postMessage({ type: 'output-ready' });
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
        // first size kept the build's peak memory under the 2 GB budget (docs/BENCHMARKS.md). Read at every
        // scavenge, so setting it now takes effect for this process and the worker.
        setFlagsFromString('--semi-space-growth-factor=1');
        const started = Date.now();
        const w = new Worker(fileURLToPath(new URL('./portal-worker.ts', import.meta.url)), {
          workerData: { outDir },
          // Keeps the worker's heap (the site's records) from growing freely next to Astro's.
          resourceLimits: { maxOldGenerationSizeMb: 512 },
        });
        worker = w;
        result = new Promise<WorkerResult>((resolve, reject) => {
          w.on('message', (m: { type: string } & WorkerResult) => m.type === 'done' && resolve(m));
          w.once('error', reject);
          w.once('exit', (code) => code !== 0 && reject(new Error(`portal worker exited with ${code}`)));
        });
        result.then(
          (r) =>
            logger.info(
              `核验页 ${r.pageCount} 个、QR ${r.qrCount} 个、照片 ${r.photoCount} 张、搜索索引 ${r.searchRecords} 组，用时 ${Date.now() - started} ms`,
            ),
          () => undefined,
        );
      },
      'astro:build:done': async () => {
        if (!result) return;
        if (!signalled) worker?.postMessage({ type: 'output-ready' });
        await result;
        await worker?.terminate();
      },
    },
  };
}

export interface WorkerResult {
  pageCount: number;
  qrCount: number;
  photoCount: number;
  searchRecords: number;
}
