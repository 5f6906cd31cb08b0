/**
 * Worker of the portal integration: loads the site on its own (getSite), prepares the Pagefind index, and — once
 * the integration says Astro has emptied the output folder — writes the verification pages, QR codes, photos and
 * the index into it, then the functions' directory file (`_functions/directory.json`).
 * Runs under Node directly (type stripping), not through Vite.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { buildPortal } from '../build/portal/data.ts';
import { footerHtml } from '../core/frame.ts';
import { photoFileName } from '../build/portal/paths.ts';
import { qrSvg, verifyUrl } from '../build/qr/index.ts';
import type { PublicAuxiliary } from '../build/portal/public-view.ts';
import { verifyPageHtml } from '../build/portal/verify-html.ts';
import { searchRecords } from '../build/search/records.ts';
import { writeNameIndex } from '../build/search/name-index.ts';
import { readSettings } from '../core/settings.ts';
import { getSite } from '../import/site.ts';
import { photoSource } from './photo-source.ts';
import { writeDirectoryFile } from '../build/directory/write.ts';

const { outDir } = workerData as { outDir: string };
const outputReady = new Promise<void>((resolve) => {
  parentPort!.on('message', (m: { type: string }) => m.type === 'output-ready' && resolve());
});
const settings = readSettings();
const portal = buildPortal(await getSite(settings.contentDir));
const footer = footerHtml([...portal.site.regulations.values()], settings);

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

/**
 * Each certificate's folder: its verification page, its QR code and its photo. Written here rather than as an
 * Astro route: the page is a plain template (verify-html.ts), and 100,000 of them through Astro's router cost
 * more than the rest of the build (docs/PORTAL.md). Up to 32 folders are written at once so that the file
 * system calls overlap with the templating.
 */
async function writeCertificates(): Promise<{ pageCount: number; qrCount: number; photoCount: number }> {
  await outputReady;
  const counts = { pageCount: 0, qrCount: 0, photoCount: 0 };
  const inFlight = new Set<Promise<void>>();
  for (const aux of portal.auxiliaries) {
    const write = writeCertificate(aux, counts);
    inFlight.add(write);
    write.then(
      () => inFlight.delete(write),
      () => undefined,
    );
    if (inFlight.size >= 32) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return counts;
}

async function writeCertificate(aux: PublicAuxiliary, counts: { pageCount: number; qrCount: number; photoCount: number }) {
  const dir = join(outDir, 'verify', aux.certificateNo);
  await mkdir(dir, { recursive: true });
  const agency = portal.agencyById.get(aux.agencyId)!;
  const page = verifyPageHtml(aux, agency, portal.regulationOf(agency), portal.asOf(agency.id), footer);
  const source = photoSource(portal.site, aux);
  await Promise.all([
    writeFile(join(dir, 'index.html'), page).then(() => counts.pageCount++),
    qrSvg(verifyUrl(settings.siteUrl, aux.certificateNo))
      .then((svg) => writeFile(join(dir, 'qr.svg'), svg))
      .then(() => counts.qrCount++),
    source && copyFile(source, join(dir, photoFileName(aux.photo!))).then(() => counts.photoCount++),
  ]);
}

const [searchRecordCount, written] = await Promise.all([writeSearchIndex(), writeCertificates(), outputReady.then(() => writeNameIndex(portal, outDir))]);
// Last, so that functions watching this folder switch to the new numbers only once their pages exist.
await writeDirectoryFile(portal.site, outDir);
parentPort!.postMessage({ type: 'done', ...written, searchRecords: searchRecordCount });
