import type { Entry, ZipFile } from 'yauzl';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/**
 * The platform's limits for a zipped workbook (XLSX, and WPS files saved as XLSX), derived from what a real roster
 * needs rather than from what a reader survives. The largest roster the platform takes in one workbook is a whole
 * province, ROSTER_ROWS_BUDGET rows. Measured (2026-12, 100,000 rows × 12 columns: name, ID card, unit, number, post,
 * status, phone, dates …): the sheet XML takes 393 B a row (python zipfile, openpyxl-style XML), 561 B (SheetJS) and
 * 594 B (LibreOffice 7.4 Calc); LibreOffice's shared strings 235 B a row (it writes a run of font properties for
 * every mixed Chinese/Latin string), a shared-strings writer without runs 37 B. Compression ratios of those files:
 * sheet XML 3.5–13.5:1, shared strings 14–76:1 (LibreOffice, 56–76:1 on two rosters). Hence, with room to spare:
 *  - the worksheets together at most ~1 KB a row (100 MiB): ~25 filled columns with LibreOffice's attributes;
 *  - the shared strings at most ~0.5 KB a row (50 MiB): twice LibreOffice's rich-text runs;
 *  - everything else (styles, theme, pictures) at most the upload's own size (32 MiB): pictures do not compress;
 *  - a ratio of at most 100:1 for any part over 1 MiB: above the 76:1 measured, below what a bomb needs.
 * A zip bomb (398 MB of sheet XML in a 3.6 MB file) is refused by the sizes its directory declares, before anything
 * is inflated; an archive that lies about them, while inflating, at the first chunk past a limit.
 */
export const ROSTER_ROWS_BUDGET = 100_000;

export const ZIP_LIMITS = {
  maxEntries: 5_000,
  /** All worksheets (`xl/worksheets/*.xml`) together, expanded: ROSTER_ROWS_BUDGET rows × ~1 KB. */
  maxSheetBytes: 100 * 2 ** 20,
  /** The shared strings (`xl/sharedStrings.xml`), expanded: ROSTER_ROWS_BUDGET rows × ~0.5 KB. */
  maxSharedStringsBytes: 50 * 2 ** 20,
  /** Total expanded size of all entries: the two above and 32 MiB (the upload limit) for everything else. */
  maxExpandedBytes: (100 + 50 + 32) * 2 ** 20,
  /** Expanded ÷ compressed, for an entry that expands to more than 1 MiB. */
  maxRatio: 100,
} as const;

export interface ZipLimits {
  maxEntries: number;
  maxSheetBytes: number;
  maxSharedStringsBytes: number;
  maxExpandedBytes: number;
  maxRatio: number;
}

const RATIO_APPLIES_ABOVE = 2 ** 20;
const SHEET = /^xl\/worksheets\/[^/]+\.xml$/i;
const SHARED_STRINGS = /^xl\/sharedStrings\.xml$/i;
const megabytes = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * Checks a zip archive against ZIP_LIMITS before a spreadsheet reader expands it. The sizes in the archive's
 * directory are checked first, then every entry is actually inflated as a stream and counted (and discarded), so
 * an archive that lies about its sizes is caught too while memory stays at one chunk. Returns the reason to refuse,
 * written for the clerk, or undefined.
 */
export async function checkZipLimits(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): Promise<string | undefined> {
  const yauzl = await import('yauzl');
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let zip: ZipFile;
  try {
    zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, file) =>
        error ? reject(error) : resolve(file),
      ),
    );
  } catch {
    return withHint(rosterErrors.ZipStructure);
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    return withHint(rosterErrors.ZipTooManyEntries, zip.entryCount, limits.maxEntries);
  }
  let expanded = 0;
  let sheets = 0;
  /** The reason to refuse once `entry` has expanded to `size` bytes (all other entries counted so far). */
  const tooBig = (entry: Entry, size: number): string | undefined => {
    if (SHEET.test(entry.fileName) && sheets + size > limits.maxSheetBytes)
      return withHint(rosterErrors.ZipSheetsTooLarge, megabytes(limits.maxSheetBytes), ROSTER_ROWS_BUDGET);
    if (SHARED_STRINGS.test(entry.fileName) && size > limits.maxSharedStringsBytes)
      return withHint(rosterErrors.ZipSharedStringsTooLarge, megabytes(limits.maxSharedStringsBytes), ROSTER_ROWS_BUDGET);
    if (expanded + size > limits.maxExpandedBytes) return withHint(rosterErrors.ZipTooLarge, megabytes(limits.maxExpandedBytes));
    if (size > RATIO_APPLIES_ABOVE && size > entry.compressedSize * limits.maxRatio)
      return withHint(rosterErrors.ZipRatio, entry.fileName.slice(0, 80), limits.maxRatio);
    return undefined;
  };
  return new Promise<string | undefined>((resolve) => {
    let settled = false;
    const finish = (reason: string | undefined): void => {
      if (settled) return;
      settled = true;
      zip.close();
      resolve(reason);
    };
    zip.on('error', () => finish(withHint(rosterErrors.ZipStructure)));
    zip.on('end', () => finish(undefined));
    zip.on('entry', (entry: Entry) => {
      if (entry.fileName.endsWith('/')) {
        zip.readEntry();
        return;
      }
      const declared = tooBig(entry, entry.uncompressedSize);
      if (declared) return finish(declared);
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return finish(withHint(rosterErrors.ZipData));
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          const actual = tooBig(entry, size);
          if (actual) {
            stream.destroy();
            finish(actual);
          }
        });
        stream.on('error', () => finish(withHint(rosterErrors.ZipSizeMismatch)));
        stream.on('end', () => {
          expanded += size;
          if (SHEET.test(entry.fileName)) sheets += size;
          if (!settled) zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}
