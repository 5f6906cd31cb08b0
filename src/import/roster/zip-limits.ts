import type { Entry, ZipFile } from 'yauzl';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/**
 * Limits for a zipped workbook (XLSX, and WPS files saved as XLSX). A real 100,000-row roster has ~16 entries,
 * ~45 MB expanded and a ratio near 10:1; a zip bomb has thousands of entries or ratios in the thousands.
 */
export const ZIP_LIMITS = {
  maxEntries: 5_000,
  /** Total expanded size of all entries. */
  maxExpandedBytes: 400 * 2 ** 20,
  /** Expanded ÷ compressed, for an entry that expands to more than 1 MiB. */
  maxRatio: 200,
} as const;

const RATIO_APPLIES_ABOVE = 2 ** 20;

/**
 * Checks a zip archive against ZIP_LIMITS before a spreadsheet reader expands it. The sizes in the archive's
 * directory are checked first, then every entry is actually inflated as a stream and counted (and discarded), so
 * an archive that lies about its sizes is caught too while memory stays at one chunk. Returns the reason to refuse,
 * written for the clerk, or undefined.
 */
export async function checkZipLimits(
  bytes: Uint8Array,
  limits: { maxEntries: number; maxExpandedBytes: number; maxRatio: number } = ZIP_LIMITS,
): Promise<string | undefined> {
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
  const tooBig = (entry: Entry, size: number): string | undefined => {
    if (expanded + size > limits.maxExpandedBytes) return withHint(rosterErrors.ZipTooLarge, Math.round(limits.maxExpandedBytes / 2 ** 20));
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
          if (!settled) zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}
