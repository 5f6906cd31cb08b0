/**
 * Worker of the portal integration: loads the site on its own (getSite) and writes QR codes, photos and the
 * Pagefind index into the staging folder. Runs under Node directly (type stripping), not through Vite.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { buildPortal } from '../lib/portal/data.ts';
import { photoFileName } from '../lib/portal/paths.ts';
import { qrSvg, verifyUrl } from '../lib/qr/index.ts';
import { searchRecords } from '../lib/search/records.ts';
import { readSettings } from '../lib/settings.ts';
import { getSite } from '../lib/site.ts';
import { photoSource } from './photo-source.ts';

const { staging } = workerData as { staging: string };
const settings = readSettings();
const portal = buildPortal(await getSite(settings.contentDir));

await rm(staging, { recursive: true, force: true });

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
    if (batch.length >= 500) {
      await Promise.all(batch);
      batch = [];
    }
  }
  await Promise.all(batch);
  const written = await index.writeFiles({ outputPath: join(staging, 'pagefind') });
  if (written.errors.length) throw new Error(`Pagefind: ${written.errors.join('; ')}`);
  await pagefind.close();
  return count;
}

async function writeQrAndPhotos(): Promise<{ qrCount: number; photoCount: number }> {
  let qrCount = 0;
  let photoCount = 0;
  for (const aux of portal.auxiliaries) {
    const dir = join(staging, 'verify', aux.certificateNo);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'qr.svg'), await qrSvg(verifyUrl(settings.siteUrl, aux.certificateNo)));
    qrCount++;
    if (aux.photo) {
      const source = photoSource(portal.site, aux);
      if (source) {
        await copyFile(source, join(dir, photoFileName(aux.photo)));
        photoCount++;
      }
    }
  }
  return { qrCount, photoCount };
}

const [searchCount, qr] = await Promise.all([writeSearchIndex(), writeQrAndPhotos()]);
parentPort!.postMessage({ ...qr, searchRecords: searchCount });
