/** A scan of the whole built site: no private value of the sample's roster exports appears anywhere in it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readSamplePrivateValues } from '../../scripts/sample/private-values.ts';
import { readSettings } from '../../src/core/settings.ts';
import { distDir, siteBuilt } from '../support/site.ts';

/** Outputs built from roster data: verification pages, directory, open data, number index, search index. */
const ROSTER_OUTPUTS = /^(verify|agencies|data|lookup|pagefind|search)\/|^index\.html$/;

/** Every file's text; gzip files (Pagefind's index, fragments, wasm) are read unzipped. */
function* builtTexts(): Generator<{ path: string; text: string }> {
  for (const entry of readdirSync(distDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    let bytes = readFileSync(path);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    yield { path, text: bytes.toString('utf8') };
  }
}

describe.skipIf(!siteBuilt())('nothing private reaches the built site', () => {
  it('no ID-card number, phone number, address or dropped column header from the sample rosters', async () => {
    const secrets = await readSamplePrivateValues(readSettings().contentDir);
    expect(secrets.idNumbers.length).toBeGreaterThan(100);
    expect(secrets.phones.length).toBeGreaterThan(100);
    expect(secrets.addresses.length).toBeGreaterThan(10);
    expect(secrets.droppedHeaders).toEqual(expect.arrayContaining(['身份证号', '联系电话', '住址']));
    const ids = new Set(secrets.idNumbers);
    const phones = new Set(secrets.phones);
    // Addresses are long and distinct: look them up by their first 6 characters, then compare whole.
    const addressByHead = new Map<string, string[]>();
    for (const a of secrets.addresses) addressByHead.set(a.slice(0, 6), [...(addressByHead.get(a.slice(0, 6)) ?? []), a]);
    const leaks: string[] = [];
    let files = 0;
    for (const { path, text } of builtTexts()) {
      files++;
      for (const m of text.matchAll(/\d{17}[\dXx]/g)) if (ids.has(m[0])) leaks.push(`${path}: 身份证号 ${m[0]}`);
      for (const m of text.matchAll(/1\d{10}/g)) if (phones.has(m[0])) leaks.push(`${path}: 电话 ${m[0]}`);
      for (const [head, list] of addressByHead) {
        let at = text.indexOf(head);
        while (at !== -1) {
          for (const a of list) if (text.startsWith(a, at)) leaks.push(`${path}: 住址 ${a}`);
          at = text.indexOf(head, at + 1);
        }
      }
      // Header words are checked where roster data is published; the complaint form may well ask for a 联系电话.
      if (ROSTER_OUTPUTS.test(relative(distDir, path))) {
        for (const header of secrets.droppedHeaders) if (text.includes(header)) leaks.push(`${path}: 列名 ${header}`);
      }
    }
    expect(files).toBeGreaterThan(1000);
    expect(leaks).toEqual([]);
  });
});
