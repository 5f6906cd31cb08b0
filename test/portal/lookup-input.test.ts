/**
 * What citizens paste into the certificate-number box, as phones and chat apps hand it over: the badge's QR link
 * (any host; percent-encoded, full-width, wrapped in a message), a number with a label in front (OCR of a badge
 * photo, a forwarded message), names that must stay names, and hostile text. numberFromPastedText reads the number;
 * the HTML that shows it back escapes it.
 */
import { describe, expect, it } from 'vitest';
import { verifyUrl } from '../../src/build/qr/index.ts';
import { foreignFoundHtml, looksLikeName, nameMismatchHtml, notFoundHtml, typedNameDiffers } from '../../src/core/lookup-html.ts';
import { foreignLinkHost, lookupCandidates, MAX_PASTED_LENGTH, numberFromPastedText } from '../../src/core/lookup-input.ts';
import { certificateLookupKey } from '../../src/core/text.ts';
import { readCertificateNo } from '../../src/core/complaint/certificate-no.ts';

const SITE = 'https://gongshi.example.gov.cn';
const HOST = 'gongshi.example.gov.cn';
const NO = 'RQCG-2024-0001';
const HAN_NO = '冀执辅-2024-001';
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('a pasted verification link', () => {
  // [what was pasted, the number it carries, the host it names]
  const pastes: [string, string, string | undefined][] = [
    [verifyUrl(SITE, NO), NO, HOST],
    [`https://${HOST}/verify/${NO}`, NO, HOST],
    [`http://${HOST}/verify/${NO}/`, NO, HOST],
    [`${SITE}/verify/${NO}/?from=singlemessage&isappinstalled=0`, NO, HOST],
    [`${SITE}/verify/${NO}?from=timeline`, NO, HOST],
    [`${SITE}/verify/${NO}/#auxiliary`, NO, HOST],
    [`${SITE}/verify/${NO}#top`, NO, HOST],
    [`  ${SITE}/verify/${NO}/ \n`, NO, HOST],
    [`\n\t${SITE}/verify/${NO}/\r\n`, NO, HOST],
    [verifyUrl(SITE, HAN_NO), HAN_NO, HOST],
    [`${SITE}/verify/${encodeURIComponent(HAN_NO).toLowerCase()}/`, HAN_NO, HOST],
    [`${SITE}/verify/${HAN_NO}/`, HAN_NO, HOST],
    [`${SITE}/verify/${encodeURIComponent(`${NO}\u200b`)}/`, NO, HOST],
    [`https：／／${HOST}／verify／${NO}／`, NO, HOST],
    [fullWidth(`https://${HOST}/verify/${NO}/`), NO, HOST],
    [`${SITE}/verify/${fullWidth(NO)}/`, NO, HOST],
    [`${SITE.toUpperCase()}/VERIFY/${NO}/`, NO, HOST],
    [`请核验 ${SITE}/verify/${NO}/ 谢谢`, NO, HOST],
    [`请核验${SITE}/verify/${NO}，谢谢`, NO, HOST],
    [`这个人的证件：${SITE}/verify/${NO}/。`, NO, HOST],
    [`「${SITE}/verify/${NO}/」`, NO, HOST],
    [`${HOST}/verify/${NO}/`, NO, HOST],
    [`请核验${HOST}/verify/${NO}/`, NO, HOST],
    [`${SITE}:443/verify/${NO}/`, NO, HOST],
    [`${SITE}/gongshi/verify/${NO}/`, NO, HOST],
    [`${SITE}/verify/${NO}/qr.svg`, NO, HOST],
    [`http://localhost:4321/verify/${NO}/`, NO, 'localhost'],
    [`/verify/${NO}/`, NO, undefined],
    [`/verify/${NO}`, NO, undefined],
    [`${SITE}/lookup/?no=${encodeURIComponent('rqcg 2024 0001')}`, 'rqcg 2024 0001', HOST],
    [`${SITE}/lookup/?q=1&no=rqcg+2024+0001#x`, 'rqcg 2024 0001', HOST],
    // Other sites: the number they carry is looked up here all the same.
    [`https://gongshi-example.com/verify/${NO}/`, NO, 'gongshi-example.com'],
    [`https://${HOST}.evil.example/verify/${NO}/`, NO, `${HOST}.evil.example`],
    [`https://${HOST}@evil.example:8443/verify/${NO}/`, NO, 'evil.example'],
    [`https://公示.中国/verify/${NO}/`, NO, 'xn--55q538g.xn--fiqs8s'],
    [`javascript:alert(1)//verify/${NO}/`, NO, 'javascript:alert(1)'],
    [`${SITE}/verify/${encodeURIComponent(NO)}%E0%A4/`, `${NO}%E0%A4`, HOST],
  ];

  it.each(pastes)('%j carries %s', (pasted, number, host) => {
    const read = numberFromPastedText(pasted);
    expect(read).toEqual(host === undefined ? { number, source: 'url' } : { number, source: 'url', host });
  });

  it('is looked up by the key of the number it carries, as the number itself would be', () => {
    for (const [pasted, number] of pastes) expect(certificateLookupKey(numberFromPastedText(pasted).number), pasted).toBe(certificateLookupKey(number));
  });

  it('names another host than the site’s as foreign, and this site’s own link or a bare path not', () => {
    const foreign = (pasted: string, site = HOST) => foreignLinkHost(numberFromPastedText(pasted), [site, undefined]);
    expect(foreign(verifyUrl(SITE, NO))).toBeUndefined();
    expect(foreign(`HTTPS://${HOST.toUpperCase()}./verify/${NO}/`)).toBeUndefined();
    expect(foreign(`${HOST}/verify/${NO}/`, HOST.toUpperCase())).toBeUndefined();
    expect(foreign(`/verify/${NO}/`)).toBeUndefined();
    expect(foreign(NO)).toBeUndefined();
    expect(foreign(`证件编号：${NO}`)).toBeUndefined();
    expect(foreign(`https://gongshi-example.com/verify/${NO}/`)).toBe('gongshi-example.com');
    expect(foreign(`https://${HOST}.evil.example/verify/${NO}/`)).toBe(`${HOST}.evil.example`);
    expect(foreign(`https://www.${HOST}/verify/${NO}/`)).toBe(`www.${HOST}`);
    expect(foreign(`https://${HOST}@evil.example/verify/${NO}/`)).toBe('evil.example');
    expect(foreign(`http://localhost:4321/verify/${NO}/`, 'localhost')).toBeUndefined();
    // Either of the site's hosts: the one the citizen is on, and the one the QR codes carry.
    expect(foreignLinkHost(numberFromPastedText(verifyUrl(SITE, NO)), ['127.0.0.1', HOST])).toBeUndefined();
    expect(foreignLinkHost(numberFromPastedText(verifyUrl('https://evil.example', NO)), ['127.0.0.1', HOST])).toBe('evil.example');
  });
});

describe('a number with a label in front', () => {
  const labelled: [string, string][] = [
    [`证件编号：${NO}`, NO],
    [`证件编号:${NO}`, NO],
    [`证件编号: ${NO}`, NO],
    [`证件编号 ： ${NO}`, NO],
    [`编号：${NO}`, NO],
    [`证号:${NO}`, NO],
    [`证号：${NO}`, NO],
    [`执法辅助证号 ${NO}`, NO],
    [`执法辅助证号${NO}`, NO],
    [`辅助行政执法证件编号：${NO}`, NO],
    [`证件号码：${NO}`, NO],
    [`证件编号（统一编号）：${NO}`, NO],
    [`城管协管员证编号：${NO}`, NO],
    [`证 件 编 号 ： ${NO}`, NO],
    [`证件编号﹕${NO}`, NO],
    [`证件编号：${fullWidth(NO)}`, NO],
    [`No.${NO}`, NO],
    [`No. ${NO}`, NO],
    [`NO:${NO}`, NO],
    [`no.:${NO}`, NO],
    [`№${NO}`, NO],
    [`№ ${NO}`, NO],
    [`Ｎｏ．${NO}`, NO],
    [`  证件编号：${NO}  \n`, NO],
    [`证件编号：${NO}，请核实`, NO],
    [`证件编号：${NO} 张三`, NO],
    [`证件编号：${NO}（张三）`, NO],
    [`证件编号：${NO}。`, NO],
    [`编号：\u200b${NO}`, NO],
    [`证件编号：${HAN_NO}`, HAN_NO],
    [`证号：冀执辅字第2024001号`, '冀执辅字第2024001号'],
  ];

  it.each(labelled)('%j is the number %s', (pasted, number) => {
    expect(numberFromPastedText(pasted)).toEqual({ number, source: 'label' });
    expect(looksLikeName(numberFromPastedText(pasted).number)).toBe(false);
  });

  it('is looked up as typed first, then by the number read from it (a listed number that begins like a label wins)', () => {
    expect(lookupCandidates(`编号${NO}`, numberFromPastedText(`编号${NO}`))).toEqual([`编号${NO}`, NO]);
    expect(lookupCandidates(`NO.${NO}`, numberFromPastedText(`NO.${NO}`))).toEqual([`NO.${NO}`, NO]);
    expect(lookupCandidates(NO, numberFromPastedText(NO))).toEqual([NO]);
    expect(lookupCandidates(verifyUrl(SITE, NO), numberFromPastedText(verifyUrl(SITE, NO)))).toEqual([NO]);
  });
});

describe('what is not a labelled number or a link', () => {
  it('keeps a number typed as it is', () => {
    for (const typed of [NO, ` ${NO.toLowerCase()} `, fullWidth(NO), 'NO123', 'No123', 'NO-2024-001', HAN_NO, '编号']) {
      expect(numberFromPastedText(typed), typed).toEqual({ number: typed.trim(), source: 'typed' });
    }
  });

  it('never turns a name into a number: names (with or without a label) stay text that goes to search', () => {
    for (const name of ['张三', '欧阳娜娜', '阿卜杜·热合曼', '任丘市城市管理综合行政执法局', '姓名：张三', '单位：城管局', '编号：张三']) {
      const read = numberFromPastedText(name);
      expect(read, name).toEqual({ number: name, source: 'typed' });
      expect(looksLikeName(read.number), name).toBe(true);
    }
  });

  it('does not read a label alone as a number', () => {
    for (const label of ['证件编号：', '证件编号:', '编号', '证号 ', 'No.', 'NO:', '№', '编号：   ', `${SITE}/verify/`, `${SITE}/verify//`]) {
      const read = numberFromPastedText(label);
      expect(read.source, label).toBe('typed');
      expect(read.number, label).toBe(label.trim());
    }
  });

  it('reads hostile input without throwing, cut to a bounded length', () => {
    const hostile = [
      '<script>alert(1)</script>',
      `${SITE}/verify/<script>alert(1)<%2Fscript>/`,
      `${SITE}/verify/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/`,
      'javascript:alert(document.cookie)',
      `${SITE}/verify/%E0%A4%A/`,
      `${SITE}/verify/%/`,
      `${SITE}/lookup/?no=%`,
      '\u0000\u202e\ufffd',
      'a'.repeat(100_000),
      `${'证'.repeat(50_000)}：1`,
      `${'/verify/'.repeat(20_000)}X`,
      `${'http://'.repeat(20_000)}x/verify/1/`,
      `${'a.'.repeat(50_000)}/verify/1/`,
      `${' '.repeat(50_000)}/verify/1`,
      `编号：${'1 '.repeat(50_000)}`,
      '\ufdfa'.repeat(5000),
    ];
    for (const text of hostile) {
      const started = performance.now();
      const read = numberFromPastedText(text);
      expect(performance.now() - started, text.slice(0, 30)).toBeLessThan(500);
      // NFKC makes a character at most 18 long (U+FDFA).
      expect(read.number.length, text.slice(0, 30)).toBeLessThanOrEqual(MAX_PASTED_LENGTH * 18);
      expect(typeof certificateLookupKey(read.number)).toBe('string');
    }
    expect(numberFromPastedText('a'.repeat(5000)).number).toHaveLength(MAX_PASTED_LENGTH);
  });

  it('shows what was read escaped: the not-found answer, the box and the foreign-link hint', () => {
    const read = numberFromPastedText(`https://evil.example/verify/${encodeURIComponent('<img src=x onerror=alert(1)>"\'&')}/`);
    expect(read.number).toBe('<img src=x onerror=alert(1)>"\'&');
    const host = foreignLinkHost(read, [HOST])!;
    const html = notFoundHtml(read.number, [], '2026-01-01', { host: `<b>${host}`, siteHost: HOST });
    expect(html).not.toMatch(/<img|<b>evil/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(html).toContain('value="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"');
    expect(html).toContain('&lt;b&gt;evil.example');
    expect(foreignFoundHtml('<i>', { host: '<u>', siteHost: HOST })).not.toMatch(/<i>|<u>/);
  });
});

describe('the answers around a pasted link', () => {
  it('the not-found answer shows the number looked up, not the whole link, and says when the link is another site’s', () => {
    const pasted = `请核验 https://evil.example/verify/ZZQQ-1999-9999/?from=singlemessage 谢谢`;
    const read = numberFromPastedText(pasted);
    const host = foreignLinkHost(read, [HOST])!;
    const html = notFoundHtml(read.number, [], '2026-01-01', { host, siteHost: HOST });
    expect(html).toContain('<b id="nf-no">ZZQQ-1999-9999</b>');
    expect(html).not.toContain('evil.example/verify');
    expect(html).toContain('您粘贴的链接不是本站地址');
    expect(html).toContain('「evil.example」');
    expect(html).toContain(`「${HOST}」`);
    // The hint comes before the not-found warning.
    expect(html.indexOf('foreign-link')).toBeLessThan(html.indexOf('id="not-found"'));
    expect(notFoundHtml(read.number, [])).not.toContain('foreign-link');
  });

  it('a listed number from another site’s link: the hint, then this site’s page and a report link', () => {
    const html = foreignFoundHtml(NO, { host: 'evil.example', siteHost: HOST });
    expect(html).toContain('您粘贴的链接不是本站地址');
    expect(html).toContain(`href="/verify/${NO}/"`);
    expect(html).toContain(`href="/complaint/?kind=report&no=${NO}"`);
    expect(html.indexOf('foreign-link')).toBeLessThan(html.indexOf('ff-verify'));
  });
});

describe('links that name another host than they seem to (as a browser opens them)', () => {
  const own = ['gongshi.example.gov.cn'];
  it.each([
    [`https://evil.example\\@gongshi.example.gov.cn/verify/${NO}/`, 'evil.example'],
    [`https://evil.example\\gongshi.example.gov.cn/verify/${NO}/`, 'evil.example'],
    [`evil.example?gongshi.example.gov.cn/verify/${NO}/`, 'evil.example'],
    [`evil.example#gongshi.example.gov.cn/verify/${NO}/`, 'evil.example'],
    [`https://gongshi.example.gov.cn@evil.example/verify/${NO}/`, 'evil.example'],
    [`请核验https://evil.example/verify/${NO}/`, 'evil.example'],
    [`//evil.example/verify/${NO}/`, 'evil.example'],
  ])('%s is %s’s link, and warned about', (pasted, host) => {
    const input = numberFromPastedText(pasted);
    expect(input.number).toBe(NO);
    // The browser's own reading of the same link agrees.
    const opened = /^https?:|^\/\//.test(pasted) ? new URL(pasted.replace(/\\\\/g, '\\'), 'https://x.example').hostname : host;
    expect(opened).toBe(host);
    expect(foreignLinkHost(input, own)).toBe(host);
  });

  it('reads at most MAX_PASTED_LENGTH characters after NFKC too (「㏂」 is four), so a long paste costs no more than a short one', () => {
    const long = numberFromPastedText(`${'㏂'.repeat(991)}/verify/1`);
    expect(long.source).toBe('typed');
    expect(numberFromPastedText(`编号：1${'…'.repeat(990)}x`).number.length).toBeLessThanOrEqual(MAX_PASTED_LENGTH);
  });
});

describe('a number with a trailing 号, and a link’s path copied without its host', () => {
  // [what was typed, the number read, the source]
  const typings: [string, string, 'label' | 'url'][] = [
    ['LA-CG-00001号', 'LA-CG-00001', 'label'],
    ['LA-CG-00001 号', 'LA-CG-00001', 'label'],
    ['ＬＡ－ＣＧ－００００１号', 'LA-CG-00001', 'label'],
    ['证件编号：LA-CG-00001号', 'LA-CG-00001', 'label'],
    ['verify/LA-CG-00001', 'LA-CG-00001', 'url'],
    ['verify/LA-CG-00001/', 'LA-CG-00001', 'url'],
    ['VERIFY/la-cg-00001/', 'la-cg-00001', 'url'],
    ['请核验 verify/LA-CG-00001/', 'LA-CG-00001', 'url'],
    ['请核验verify/LA-CG-00001', 'LA-CG-00001', 'url'],
  ];

  it.each(typings)('%j is the number %s, read from no host', (typed, number, source) => {
    expect(numberFromPastedText(typed)).toEqual({ number, source });
    expect(foreignLinkHost(numberFromPastedText(typed), [HOST, undefined])).toBeUndefined();
  });

  it('looks up the text as typed first, so a listed number written with its 号 is still the one meant', () => {
    expect(lookupCandidates('LA-CG-00001号', numberFromPastedText('LA-CG-00001号'))).toEqual(['LA-CG-00001号', 'LA-CG-00001']);
    // An agency's own 「…第…号」 format keeps its 号, labelled or not; a 号 after Han text is not dropped.
    expect(numberFromPastedText('冀执辅字第2024001号')).toEqual({ number: '冀执辅字第2024001号', source: 'typed' });
    expect(numberFromPastedText('号')).toEqual({ number: '号', source: 'typed' });
    expect(numberFromPastedText('张三号')).toEqual({ number: '张三号', source: 'typed' });
    // 「verify/」 inside a word is no path.
    expect(numberFromPastedText('reverify/X-1')).toEqual({ number: 'reverify/X-1', source: 'typed' });
  });

  it('gives the complaint form’s number field the same number', () => {
    expect(readCertificateNo('LA-CG-00001号', [HOST])).toEqual({ certificateNo: 'LA-CG-00001' });
    expect(readCertificateNo('verify/LA-CG-00001', [HOST])).toEqual({ certificateNo: 'LA-CG-00001' });
    expect(readCertificateNo('X-1号', [HOST], (no) => no === 'X-1号')).toEqual({ certificateNo: 'X-1号' });
  });
});

describe('a name typed with the number in the one box', () => {
  const LA = 'LA-CG-00001';
  // [what was typed, the number read, the name read]
  const named: [string, string, string][] = [
    [`张三 ${LA}`, LA, '张三'],
    [`张三${LA}`, LA, '张三'],
    [`${LA} 张三`, LA, '张三'],
    [`${LA}张三`, LA, '张三'],
    [`张三\u3000${LA}`, LA, '张三'],
    [`${LA}\u3000张三`, LA, '张三'],
    [`张三，${LA}`, LA, '张三'],
    [`${LA}，张三`, LA, '张三'],
    [`${LA}、张三`, LA, '张三'],
    [`${LA}（张三）`, LA, '张三'],
    [`张三 ${LA}号`, LA, '张三'],
    [`张 三 ${LA}`, LA, '张三'],
    [`欧阳娜娜${NO}`, NO, '欧阳娜娜'],
    [`阿卜杜·热合曼 ${NO}`, NO, '阿卜杜·热合曼'],
    [`张三 ${fullWidth(NO)}`, NO, '张三'],
    [`张三 rqcg 2024 0001`, 'rqcg 2024 0001', '张三'],
    ['张三 2024-0001', '2024-0001', '张三'],
  ];

  it.each(named)('%j is the number %s with the name %s', (typed, number, name) => {
    expect(numberFromPastedText(typed)).toEqual({ number, source: 'label', name });
    expect(certificateLookupKey(numberFromPastedText(typed).number)).toBe(certificateLookupKey(number));
  });

  it('is looked up as typed first (a listed number may hold Han text), then by the number read from it', () => {
    expect(lookupCandidates(`张三 ${NO}`, numberFromPastedText(`张三 ${NO}`))).toEqual([`张三 ${NO}`, NO]);
    expect(lookupCandidates(`${NO}，张三`, numberFromPastedText(`${NO}，张三`))).toEqual([`${NO}，张三`, NO]);
  });

  it('reads the number out of a request, with no name kept', () => {
    expect(numberFromPastedText(`请核验 ${NO}`)).toEqual({ number: NO, source: 'label' });
    expect(numberFromPastedText(`${NO} 谢谢`)).toEqual({ number: NO, source: 'label' });
  });

  it('keeps an agency’s Han number format, a name alone and too short a number as typed', () => {
    for (const typed of [
      '冀城管辅字第0001号',
      '冀执字第0001号',
      '冀执字第 0001号',
      '冀城管2024001',
      '冀执辅2024-001',
      HAN_NO,
      '张三',
      '阿卜杜·热合曼',
      '张三 AB1',
      '张三 ABCD',
      '张三2024',
      '张三 冀城管辅字第0001号',
      '0000',
      '20240001',
    ]) {
      expect(numberFromPastedText(typed), typed).toEqual({ number: typed, source: 'typed' });
    }
    // An agency's Han format with a name in front stays as typed too (the whole text is looked up).
    expect(lookupCandidates('冀城管辅字第0001号', numberFromPastedText('冀城管辅字第0001号'))).toEqual(['冀城管辅字第0001号']);
    expect(looksLikeName(numberFromPastedText('张三').number)).toBe(true);
  });

  it('reads hostile text beside a name without throwing, in bounded time', () => {
    for (const text of [
      `张三 ${'A1 '.repeat(400)}`,
      `${'A1 '.repeat(330)}张三`,
      `${'张 '.repeat(480)}A1234`,
      `A1${' '.repeat(990)}张三!`,
      `张三${'-'.repeat(990)}A111`,
      `${'1'.repeat(995)} 张三`,
      `张三 ${'0'.repeat(5000)}1`,
    ]) {
      const started = performance.now();
      const read = numberFromPastedText(text);
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(500);
      expect(read.number.length).toBeLessThanOrEqual(MAX_PASTED_LENGTH);
    }
    expect(numberFromPastedText(`${'1'.repeat(995)} 张三`)).toEqual({ number: '1'.repeat(995), source: 'label', name: '张三' });
  });

  it('reads the one Latin number out of a short message; two numbers, or digits alone in Han text, are not guessed', () => {
    expect(numberFromPastedText('赵鑫，编号LA-CG-00001')).toEqual({ number: 'LA-CG-00001', source: 'label' });
    expect(numberFromPastedText('姓名：赵鑫 证号：LA-CG-00001')).toEqual({ number: 'LA-CG-00001', source: 'label' });
    expect(numberFromPastedText('LA-CG-00001 赵鑫 谢谢')).toEqual({ number: 'LA-CG-00001', source: 'label', name: '赵鑫' });
    expect(numberFromPastedText('你好，赵鑫 LA-CG-00001。')).toEqual({ number: 'LA-CG-00001', source: 'label', name: '赵鑫' });
    expect(numberFromPastedText('LA-CG-00001 还是 LA-CG-00002').source).toBe('typed');
    // Han text that is no name around one number: the number read out, no name to compare.
    expect(numberFromPastedText('任丘市城市管理综合行政执法局 RQCG-2024-0001')).toEqual({ number: 'RQCG-2024-0001', source: 'label' });
    expect(numberFromPastedText(`张三 ${NO} 李四`)).toEqual({ number: NO, source: 'label' });
    expect(numberFromPastedText('冀执字第0001号 赵鑫 谢谢').source).toBe('typed');
  });

  it('the complaint form’s number field reads the number too', () => {
    expect(readCertificateNo(`张三 ${NO}`, [HOST])).toEqual({ certificateNo: NO });
    expect(readCertificateNo(`${NO}（张三）`, [HOST])).toEqual({ certificateNo: NO });
  });

  it('says when the name typed is not the published one, never for a name no longer published', () => {
    expect(typedNameDiffers('张三', '张三')).toBe(false);
    expect(typedNameDiffers('张 三', '张三')).toBe(false);
    expect(typedNameDiffers('阿卜杜・热合曼', '阿卜杜·热合曼')).toBe(false);
    expect(typedNameDiffers('李四', '张三')).toBe(true);
    expect(typedNameDiffers('张三', '')).toBe(false);
    expect(typedNameDiffers(undefined, '张三')).toBe(false);
    const html = nameMismatchHtml(NO, '<b>李四');
    expect(html).toContain('<h1 id="lookup-title">请核对姓名</h1>');
    expect(html).toContain('&lt;b&gt;李四');
    expect(html).toContain(`href="/verify/${NO}/"`);
    expect(html).toContain(`href="/complaint/?kind=report&no=${NO}"`);
    expect(html.indexOf('姓名与公示的不一致')).toBeLessThan(html.indexOf('nm-verify'));
  });
});

describe('a number close to a listed one (O for 0)', () => {
  const close = [{ no: 'LA-CG-00001', agency: '六安市城市管理局' }];

  it('leads with the close number under the warning, before what to do, and names no forgery', () => {
    const html = notFoundHtml('LA-CG-OOOO1', close, '2026年11月1日');
    expect(html).toContain('<h1 id="lookup-title">请核对编号</h1>');
    expect(html).toContain('status-suspended');
    expect(html).not.toContain('✕');
    expect(html).not.toContain('伪造');
    const warning = html.indexOf('不在截至 2026年11月1日 的公示名单中');
    const offered = html.indexOf('您输入的可能是');
    expect(warning).toBeGreaterThan(0);
    expect(offered).toBeGreaterThan(warning);
    expect(html.indexOf('href="/verify/LA-CG-00001/"')).toBeGreaterThan(offered);
    expect(html.indexOf('id="nf-report"')).toBeGreaterThan(html.indexOf('href="/verify/LA-CG-00001/"'));
  });

  it('keeps the plain 查无此证 and the possible forgery when nothing close is listed', () => {
    const html = notFoundHtml('ZZ-9999', [], '2026年11月1日');
    expect(html).toContain('<h1 id="lookup-title">查无此证</h1>');
    expect(html).toContain('可能是证件伪造');
    expect(html).not.toContain('您输入的可能是');
  });
});
