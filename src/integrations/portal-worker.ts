/**
 * Worker of the portal integration: loads the site on its own (getSite), prepares the Pagefind index, and — once
 * the integration says Astro has emptied the output folder — writes QR codes, photos and the index into it.
 * Runs under Node directly (type stripping), not through Vite.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { buildPortal } from '../lib/portal/data.ts';
import { photoFileName } from '../lib/portal/paths.ts';
import { qrSvg, verifyUrl } from '../lib/qr/index.ts';
import { searchRecords } from '../lib/search/records.ts';
import { readSettings } from '../lib/settings.ts';
import { getSite } from '../lib/site.ts';
import { photoSource } from './photo-source.ts';

const { outDir } = workerData as { outDir: string };
const outputReady = new Promise<void>((resolve) => {
  parentPort!.on('message', (m: { type: string }) => m.type === 'output-ready' && resolve());
});
const settings = readSettings();
const portal = buildPortal(await getSite(settings.contentDir));

async function writeSearchIndex(): Promise<number> {
  const { index, errors } = await pagefind.createIndex({ forceLanguage: 'zh' });
  if (!index) throw new Error(`Pagefind: ${errors.join('; ')}`);
  let count = 0;
  let batch: Promise<unknown>[] = [];
  for (const record of searchRecords(portal)) {
    batch.push(
      index.addCustomRecord(record).then((r) => {
        if (r.errors.length) throw new Error(`Pagefind ${record.url}: ${r.errors.join('; ')}`);
      }),
    );
    count++;
    if (batch.length >= 200) {
      await Promise.all(batch);
      batch = [];
    }
  }
  await Promise.all(batch);
  await outputReady;
  const written = await index.writeFiles({ outputPath: join(outDir, 'pagefind') });
  if (written.errors.length) throw new Error(`Pagefind: ${written.errors.join('; ')}`);
  await pagefind.close();
  return count;
}

async function writeQrAndPhotos(): Promise<{ qrCount: number; photoCount: number }> {
  await outputReady;
  let qrCount = 0;
  let photoCount = 0;
  for (const aux of portal.auxiliaries) {
    const dir = join(outDir, 'verify', aux.certificateNo);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'qr.svg'), await qrSvg(verifyUrl(settings.siteUrl, aux.certificateNo)));
    qrCount++;
    const source = photoSource(portal.site, aux);
    if (source) {
      await copyFile(source, join(dir, photoFileName(aux.photo!)));
      photoCount++;
    }
  }
  return { qrCount, photoCount };
}

const [searchRecordCount, qr] = await Promise.all([writeSearchIndex(), writeQrAndPhotos()]);
parentPort!.postMessage({ type: 'done', ...qr, searchRecords: searchRecordCount });
