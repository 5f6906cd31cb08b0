/**
 * One part of the portal integration (portal.ts), a child process: loads the site on its own (getSite) and — once
 * the integration says Astro has emptied the output folder — writes its share of the verification pages, QR codes
 * and photos (every PORTAL_PARTS-th certificate from PORTAL_PART). Part 0 also writes the Pagefind index and the
 * static name and part-of-name indexes and, when the integration says every part is done, the functions' directory file
 * (`_functions/directory.json`). Runs under Node directly (type stripping), not through Vite.
 */
import { setFlagsFromString } from 'node:v8';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { buildPortal, type Portal } from '../build/portal/data.ts';
import { footerHtml } from '../core/frame.ts';
import { photoFileName } from '../build/portal/paths.ts';
import { qrSvg, verifyUrl } from '../build/qr/index.ts';
import type { PublicAuxiliary } from '../build/portal/public-view.ts';
import { verifyPageHtml } from '../build/portal/verify-html.ts';
import { searchRecords } from '../build/search/records.ts';
import { writeNameIndex } from '../build/search/name-index.ts';
import { writePartIndex } from '../build/search/part-index.ts';
import { readSettings } from '../core/settings.ts';
import { getSite } from '../import/site.ts';
import { photoSource } from './photo-source.ts';
import { writeDirectoryFile } from '../build/directory/write.ts';

/** Messages from the integration to a part. */
export type ToPart = { type: 'output-ready' } | { type: 'write-directory' };
/** A part's report when its pages (and, for part 0, the indexes) are written. */
export interface PartDone {
  type: 'done';
  pageCount: number;
  qrCount: number;
  photoCount: number;
  /** Pagefind records (groups) written: part 0 only, 0 elsewhere. */
  searchRecords: number;
}

interface PartContext {
  part: number;
  parts: number;
  outDir: string;
  portal: Portal;
  siteUrl: string;
  footer: string;
  outputReady: Promise<void>;
}

/** Certificates written between two turns of the event loop (writeCertificates). */
const CHUNK = 256;

// Only when run as a part: the integration imports this file for its types.
if (process.env.PORTAL_PART !== undefined && process.send) await runPart();

async function runPart() {
  // Its own name in ps and /proc (the benchmarks report each process's peak memory by name).
  process.title = `portal-part-${process.env.PORTAL_PART}`;
  setFlagsFromString('--semi-space-growth-factor=1');
  const told = (type: ToPart['type']) =>
    new Promise<void>((resolve) => {
      process.on('message', (m: ToPart) => m.type === type && resolve());
    });
  const outputReady = told('output-ready');
  const directoryWanted = told('write-directory');
  // The build reads the same settings and rosters and reports any problem with them once, in its own output: a
  // part just stops.
  const { settings, site } = await (async () => {
    const settings = readSettings();
    return { settings, site: await getSite(settings.contentDir) };
  })().catch(() => process.exit(1));
  const portal = buildPortal(site);
  const ctx: PartContext = {
    part: Number(process.env.PORTAL_PART),
    parts: Number(process.env.PORTAL_PARTS),
    outDir: process.env.PORTAL_OUT_DIR!,
    portal,
    siteUrl: settings.siteUrl,
    footer: footerHtml([...portal.site.regulations.values()], settings),
    outputReady,
  };
  const indexes =
    ctx.part === 0
      ? Promise.all([writeSearchIndex(ctx), outputReady.then(() => writeNameIndex(portal, ctx.outDir)).then(() => writePartIndex(portal, ctx.outDir))])
      : Promise.resolve([0]);
  const [[searchRecords], written] = await Promise.all([indexes, writeCertificates(ctx)]);
  process.send!({ type: 'done', ...written, searchRecords: searchRecords ?? 0 } satisfies PartDone);
  if (ctx.part === 0) {
    await directoryWanted;
    await writeDirectoryFile(portal.site, ctx.outDir);
    process.send!({ type: 'directory-written' });
  }
  process.disconnect();
}

async function writeSearchIndex({ portal, outDir, outputReady }: PartContext): Promise<number> {
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

type Counts = { pageCount: number; qrCount: number; photoCount: number };

/**
 * This part's certificates' folders: each one's verification page, QR code and photo. Written here rather than as
 * an Astro route: the page is a plain template (verify-html.ts), and 100,000 of them through Astro's router cost
 * more than the rest of the build (docs/PORTAL.md). Written with synchronous calls: the work is the kernel's and the
 * templates', both on this process's core, and a promise per file through the thread pool cost 60 % more CPU
 * (6.7 s against 4.2 s for 25,000 folders on tmpfs; docs/BENCHMARKS.md). The loop gives way every CHUNK certificates so that part 0 keeps feeding Pagefind.
 */
async function writeCertificates(ctx: PartContext): Promise<Counts> {
  await ctx.outputReady;
  const counts: Counts = { pageCount: 0, qrCount: 0, photoCount: 0 };
  const all = ctx.portal.auxiliaries;
  mkdirSync(join(ctx.outDir, 'verify'), { recursive: true });
  let sinceYield = 0;
  for (let i = ctx.part; i < all.length; i += ctx.parts) {
    writeCertificate(ctx, all[i]!, counts);
    if (++sinceYield === CHUNK) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return counts;
}

function writeCertificate({ portal, outDir, siteUrl, footer }: PartContext, aux: PublicAuxiliary, counts: Counts) {
  const dir = join(outDir, 'verify', aux.certificateNo);
  mkdirSync(dir, { recursive: true });
  const agency = portal.agencyById.get(aux.agencyId)!;
  writeFileSync(join(dir, 'index.html'), verifyPageHtml(aux, agency, portal.regulationOf(agency), portal.asOf(agency.id), footer));
  counts.pageCount++;
  writeFileSync(join(dir, 'qr.svg'), qrSvg(verifyUrl(siteUrl, aux.certificateNo)));
  counts.qrCount++;
  const source = photoSource(portal.site, aux);
  if (source) {
    copyFileSync(source, join(dir, photoFileName(aux.photo!)));
    counts.photoCount++;
  }
}
