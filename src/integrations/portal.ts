import type { AstroIntegration } from 'astro';
import { Worker } from 'node:worker_threads';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds what is not an Astro page — every certificate's QR code (`/verify/<no>/qr.svg`), photos, and the
 * Pagefind index — in a worker thread that starts with the build and runs on the second core while Astro
 * renders pages. Its output is staged in the cache folder and moved into the output folder when Astro is done.
 * Measured against an endpoint per QR code in docs/PORTAL.md.
 */
export function portalIntegration(): AstroIntegration {
  let worker: Promise<WorkerResult> | undefined;
  let staging = '';
  return {
    name: 'gongshi-portal',
    hooks: {
      'astro:build:start': async ({ logger }) => {
        const started = Date.now();
        worker = new Promise<WorkerResult>((resolve, reject) => {
          const w = new Worker(fileURLToPath(new URL('./portal-worker.ts', import.meta.url)), { workerData: { staging } });
          w.once('message', (m: WorkerResult) => resolve(m));
          w.once('error', reject);
          w.once('exit', (code) => code !== 0 && reject(new Error(`portal worker exited with ${code}`)));
        });
        worker.then(
          (r) => logger.info(`QR ${r.qrCount} 个、照片 ${r.photoCount} 张、搜索索引 ${r.searchRecords} 条，用时 ${Date.now() - started} ms`),
          () => undefined,
        );
      },
      'astro:config:done': ({ config }) => {
        staging = join(fileURLToPath(config.cacheDir), 'portal-staging');
      },
      'astro:build:done': async ({ dir, logger }) => {
        if (!worker) return;
        const result = await worker;
        const out = fileURLToPath(dir);
        const started = Date.now();
        await rm(join(out, 'pagefind'), { recursive: true, force: true });
        await rename(join(staging, 'pagefind'), join(out, 'pagefind'));
        const verifyStaging = join(staging, 'verify');
        for (const no of await readdir(verifyStaging)) {
          const target = join(out, 'verify', no);
          await mkdir(target, { recursive: true });
          for (const file of await readdir(join(verifyStaging, no))) await rename(join(verifyStaging, no, file), join(target, file));
        }
        await rm(staging, { recursive: true, force: true });
        logger.info(`已移入输出目录（${Date.now() - started} ms）；搜索索引 ${result.searchRecords} 条`);
      },
    },
  };
}

export interface WorkerResult {
  qrCount: number;
  photoCount: number;
  searchRecords: number;
}
