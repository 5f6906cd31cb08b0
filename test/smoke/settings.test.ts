import { describe, expect, it } from 'vitest';
import { readSettings, DEFAULT_SITE_URL } from '../../src/core/settings.ts';
import { certificateLookupKey, escapeHtml, normalizeCertificateNo, toHalfWidth } from '../../src/core/text.ts';

describe('settings', () => {
  it('uses the embedded defaults when the environment is empty', () => {
    const s = readSettings({});
    expect(s.siteUrl).toBe(DEFAULT_SITE_URL);
    // No key in the repository: unset stays unset (functions/server/secret.ts makes a local one or refuses).
    expect(s.secret).toBeUndefined();
    expect(s.previousSecrets).toEqual([]);
    expect(s.databaseUrl).toBeUndefined();
    expect(s.smtpUrl).toBeUndefined();
    expect(s.contentDir.endsWith('/content')).toBe(true);
  });
  it('takes SITE_URL without a trailing slash', () => {
    expect(readSettings({ SITE_URL: 'https://gs.example.org/' }).siteUrl).toBe('https://gs.example.org');
  });
});

describe('certificate numbers', () => {
  it('normalizes the way people type them', () => {
    expect(toHalfWidth('ＲＱＣＧ－２０２３　０１')).toBe('RQCG-2023 01');
    expect(normalizeCertificateNo(' rqcg-2023 -0042 ')).toBe('RQCG-2023-0042');
    expect(normalizeCertificateNo('ｒｑｃｇ－２０２３－００４２')).toBe('RQCG-2023-0042');
    expect(certificateLookupKey('rqcg 2023 0042')).toBe(certificateLookupKey('RQCG-2023-0042'));
    expect(certificateLookupKey('RQCG—2023—0042')).toBe('RQCG20230042');
  });
  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
