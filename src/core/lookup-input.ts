import { toHalfWidth } from './text.ts';

/**
 * What citizens put into the certificate-number box besides a bare number: the badge's QR link (a phone's scanner
 * shows it as text, a chat copies it), or a number with a label in front (「证件编号：」 from a badge photo's OCR or
 * a message). One pure function for every place that reads a typed number: the built /lookup/ page's script,
 * the functions' lookup answer (docs/PORTAL.md, "Pasted links and labels") and the complaint form's number field
 * (complaint/certificate-no.ts).
 */
export interface LookupInput {
  /** The certificate number to look up, and to show back ("编号「…」不在名单中") and keep in the box. */
  number: string;
  /**
   * typed: the text itself (trimmed); url: the `/verify/<number>/` segment (or `/lookup/?no=`) of a pasted link
   * (with or without a host, or the leading slash: 「verify/<number>」), percent-decoded; label: the text without
   * a leading label such as 证件编号： or a trailing 号 (「LA-CG-00001号」), or without a name typed before or after
   * the number (「张三 LA-CG-00001」, see `name`).
   */
  source: 'typed' | 'url' | 'label';
  /** For source url: the link's host name (lower-case, IDN as punycode); none for a bare path (`/verify/X/`). */
  host?: string;
  /**
   * For source label: the name typed with the number (「张三」, spaces dropped), to be compared with the holder's
   * published name (typedNameDiffers in lookup-html.ts). None when the Han text was a request (「请核验 X」).
   */
  name?: string;
}

/** Longer input is cut here: room for a QR link with a chat app's query appended, never a page of text. */
export const MAX_PASTED_LENGTH = 1000;

/** What rosters call the certificate-number column (src/import/roster/fields.ts): labels in front of a number too. */
export const CERTIFICATE_NO_NAMES = ['证件编号', '辅助行政执法证件编号', '证号', '编号'] as const;

/**
 * Labels put in front of a number (a closed list, after NFKC and full-width → half-width, so 「：」 is 「:」):
 * stripped with or without a colon or space after them. Without one, only when a letter or digit follows
 * (「证号RQCG-2024-0001」).
 */
const LABELS = [
  ...CERTIFICATE_NO_NAMES,
  '行政执法辅助证件编号',
  '行政执法辅助人员证号',
  '辅助行政执法证号',
  '执法辅助人员证号',
  '执法辅助证件编号',
  '执法辅助证件号',
  '辅助执法证号',
  '执法辅助证号',
  '执法证件编号',
  '辅助证件编号',
  '工作证编号',
  '证件统一编号',
  '统一编号',
  '执法证号',
  '辅助证号',
  '工作证号',
  '证件号码',
  '证书编号',
  '证件号',
  '号码',
  '编码',
];
// Longest first, so that 证件号码 is not read as 证件号 followed by 码.
const CLOSED_LABEL = new RegExp(`^(?:${[...LABELS].sort((a, b) => b.length - a.length).join('|')})(?:\\s*:\\s*|\\s+|(?=[A-Za-z0-9]))`);
/** The Latin label No. / NO: / No# (and №, read as 「No.」), always with its mark: 「NO123」 may be a number. */
const LATIN_LABEL = /^no\s*[.:#][\s.:]*/i;
/**
 * The general rule: a run of Han characters (spaces allowed, OCR puts them between characters; an optional
 * parenthesised note such as 「（统一编号）」) ending in a colon — 「城管协管证编号：」.
 */
const HAN_LABEL = /^\p{Script=Han}[\p{Script=Han} ]{0,15}(?:\([^()]{0,20}\))?\s*:\s*/u;

/**
 * A pasted verification link's number: `/verify/<segment>`, up to the next `/ ? #` or space; also a link's path
 * copied without its host and first slash (「verify/LA-CG-00001」), at the start or after a space or Han text.
 */
const VERIFY_PATH = /(?:\/|(?<![\x21-\x7e]))verify\/([^/?#\s]+)/i;
/** A pasted lookup link: `/lookup/?no=…` (or `/api/lookup?no=…`). */
const LOOKUP_QUERY = /\/lookup\/?\?(?:[^#\s]*?&)?no=([^&#\s]*)/i;
/** Sentence punctuation and closing brackets a link or number is followed by in a message: not part of it. */
const TRAILING_PUNCTUATION = /(?<![.,;:!?'"。、)\]}>」』》】])[.,;:!?'"。、)\]}>」』》】]+$/u;
/** Where a message goes on after the number: a space, comma or bracket before Han text (「HB-1234-5678，谢谢」). */
const TEXT_AFTER = /(?<![\s,;!?。、(])[\s,;!?。、(]+\p{Script=Han}/u;

/** The text as the rules read it: NFKC (so 「﹕」 and 「％」 are plain), half-width, no invisible format characters. */
function plain(text: string): string {
  return toHalfWidth(text.normalize('NFKC')).replace(/\p{Cf}/gu, '');
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A broken escape somewhere: decode the runs that are whole and keep the rest as it is.
    return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/**
 * The host a link names (`https://host/…`, `//host/…`, `host.tld/…`), canonical (lower-case, punycode, no port), as
 * a browser would open it: the WHATWG URL parser decides, so `https://evil.example\@site/…` or `evil.example?site/…`
 * name evil.example. A scheme other than http(s) (`javascript:`) is returned as written: never this site's.
 */
function hostOf(beforePath: string): string | undefined {
  const token = beforePath.split(/\s+/).pop() ?? '';
  if (token === '' || (/^[/\\]/.test(token) && !/^[/\\]{2}/.test(token))) return undefined;
  // Where the link starts: at its scheme or `//` (「请核验https://公示.中国/…」), else after the last character no
  // URL holds and any punctuation (「请核验：site.gov.cn/…」). The look-behinds keep each search linear.
  const full = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:[/\\]{2}/i.exec(token);
  const slashes = full ? undefined : /(?<![/\\])[/\\]{2}/.exec(token);
  const link = full ? token.slice(full.index) : slashes ? token.slice(slashes.index) : token.replace(/^.*[^\x21-\x7e]/su, '').replace(/^[^a-z0-9[]+/i, '');
  const scheme = /^([a-z][a-z0-9+.-]*):(?!\d)/i.exec(link)?.[1]?.toLowerCase();
  if (scheme && scheme !== 'http' && scheme !== 'https') return link.split('/')[0]!.slice(0, 100).toLowerCase();
  let host: string;
  try {
    host = new URL(`${scheme ? '' : /^[/\\]{2}/.test(link) ? 'http:' : 'http://'}${link}/verify/x`).hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
  // A bare word before /verify/ (「abc/verify/X」) is no host name: only a dotted name, localhost or an address.
  return host.includes('.') || host.includes(':') || host === 'localhost' ? host : undefined;
}

/** The number without the message around it: what follows it (TEXT_AFTER, once a digit came), trailing punctuation. */
function tidy(text: string): string {
  const after = TEXT_AFTER.exec(text);
  const number = after && /[0-9]/.test(text.slice(0, after.index)) ? text.slice(0, after.index) : text;
  return number.trim().replace(TRAILING_PUNCTUATION, '');
}

function fromLink(text: string): LookupInput | undefined {
  const verify = VERIFY_PATH.exec(text);
  const query = verify ? undefined : LOOKUP_QUERY.exec(text);
  const match = verify ?? query;
  if (!match) return undefined;
  const raw = verify ? match[1]! : match[1]!.replace(/\+/g, ' ');
  const number = tidy(plain(percentDecode(raw)));
  if (!number) return undefined;
  const host = hostOf(text.slice(0, match.index));
  return host === undefined ? { number, source: 'url' } : { number, source: 'url', host };
}

/**
 * A 号 after a number of Latin letters and digits (「LA-CG-00001号」, as 「编号……号」 is said): not part of it. A
 * number written 「…第2024001号」 keeps its 号 (the agency's own format); lookupCandidates tries the text as typed
 * first either way.
 */
const TRAILING_HAO = /(?<=[A-Za-z0-9])\s*号$/;

function withoutHao(text: string): string {
  return text.includes('第') ? text : text.replace(TRAILING_HAO, '');
}

function fromLabel(text: string): LookupInput | undefined {
  const label = CLOSED_LABEL.exec(text) ?? LATIN_LABEL.exec(text) ?? HAN_LABEL.exec(text);
  if (!label) return undefined;
  const after = withoutHao(tidy(text.slice(label[0].length)));
  // A label before a message (「姓名：赵鑫 证号：LA-CG-00001」): the one number in it.
  const rest = /\p{Script=Han}/u.test(after) ? (numberInMessage(after) ?? after) : after;
  // A label alone, or a label before a name (「姓名：张三」), is not a number: the text is kept as typed.
  return /[0-9]/.test(rest) ? { number: rest, source: 'label' } : undefined;
}

/** A name: Han characters, spaces between them allowed, and the middle dot of minority names. */
const NAME = String.raw`\p{Script=Han}(?:[ ·•・‧.]*\p{Script=Han})*`;
/** A number as the name rule reads it: Latin letters, digits, separators and spaces, a letter or digit at each end. */
const NUMBER = String.raw`[A-Za-z0-9](?:[A-Za-z0-9 \-_./\u2010-\u2015\u2212]*[A-Za-z0-9])?`;
/** Between the name and the number: spaces (the ideographic one is a space by now), a comma, 、 or ;. */
const BETWEEN = '([\\s,;、]*)';
const NAME_FIRST = new RegExp(`^(${NAME})${BETWEEN}(${NUMBER})(?:\\s*号)?$`, 'u');
const NUMBER_FIRST = new RegExp(`^(${NUMBER})(\\s*号)?${BETWEEN}(?:\\((${NAME})\\)|(${NAME}))$`, 'u');
/** Han text typed with a number that asks for a check rather than names anyone: the number is read, no name kept. */
const REQUESTS = new Set(['核验', '请核验', '核实', '请核实', '核查', '请核查', '查询', '请查询', '请查', '查一下', '请问', '你好', '您好', '谢谢']);

/**
 * A name typed with the number in the one box (「张三 LA-CG-00001」「LA-CG-00001，张三」「LA-CG-00001（张三）」): the
 * number read out when the Han text is a name (2–4 characters, or up to 12 with a middle dot: 阿卜杜·热合曼) and the
 * number has a digit and at least 4 letters or digits. Han text with 第 字 号 or 证 is no name: it may be an agency's
 * own number format (「冀执字第0001号」), which stays as typed; so does Han text run straight into digits alone
 * (「冀城管2024001」), where no space, comma or letter says where a name would end.
 */
function fromNamed(text: string): LookupInput | undefined {
  const m = NAME_FIRST.exec(text);
  const n = m ? undefined : NUMBER_FIRST.exec(text);
  const name = (m ? m[1] : (n?.[4] ?? n?.[5]))?.replace(/\s+/g, '');
  const number = m ? m[3]! : n?.[1];
  const between = m ? m[2]! : `${n?.[2] ?? ''}${n?.[3] ?? ''}${n?.[4] ? '(' : ''}`;
  if (name === undefined || number === undefined || /[第字号证]/.test(name)) return undefined;
  const han = name.replace(/[^\p{Script=Han}]/gu, '').length;
  if (han < 2 || han > (name.length > han ? 12 : 4)) return undefined;
  if (!/[0-9]/.test(number) || number.replace(/[^A-Za-z0-9]/g, '').length < 4) return undefined;
  if (between === '' && !/[A-Za-z]/.test(number)) return undefined;
  return REQUESTS.has(name) ? { number, source: 'label' } : { number, source: 'label', name };
}

/** Courtesies around a message (「你好，」「请核验」 before; 「谢谢」 and a full stop after): no part of a name. */
const COURTESY_BEFORE = /^(?:你好|您好|请问|请帮忙查一下|请帮我查一下|帮忙查一下|麻烦查一下|请查一下|查一下|请核验|请核实|请核查|请查询)[\s,;:!?。、~]*/u;
const TRAILING_MARKS = /[\s,;:!?。、.~]+$/u;
const COURTESY_AFTER = /(?:谢谢(?:你|您)?|谢了|谢啦|多谢|感谢|麻烦了|辛苦了)$/u;
// Step by step rather than one pattern: two runs of the same marks around an optional word backtrack cubically on a
// long run of spaces (a hostile paste).
function withoutCourtesy(text: string): string {
  const end = text.replace(COURTESY_BEFORE, '').replace(TRAILING_MARKS, '');
  const word = COURTESY_AFTER.exec(end);
  return word ? end.slice(0, word.index).replace(TRAILING_MARKS, '') : end;
}

/** A run of Latin letters and digits, separators between them. */
const LATIN_RUN = /[A-Za-z0-9](?:[A-Za-z0-9\-_./\u2010-\u2015\u2212]*[A-Za-z0-9])?/g;

/**
 * The number in a short message (「赵鑫，编号LA-CG-00001」「你好 LA-CG-00001 是真的吗」): its one run of Latin letters
 * and digits holding both a letter and a digit and at least 4 of them; undefined when there is none, or more than
 * one (then which was meant is not guessed). A number of digits alone (「冀执字第0001号」) is never read out of Han text.
 */
export function numberInMessage(text: string): string | undefined {
  const runs = [...text.matchAll(LATIN_RUN)]
    .map((m) => m[0])
    .filter((r) => /[A-Za-z]/.test(r) && /[0-9]/.test(r) && r.replace(/[^A-Za-z0-9]/g, '').length >= 4);
  return runs.length === 1 ? runs[0] : undefined;
}

/** Han text around one number: the number, with no name kept (fromNamed reads the plain name-and-number forms). */
function fromMessage(text: string): LookupInput | undefined {
  if (!/\p{Script=Han}/u.test(text)) return undefined;
  const number = numberInMessage(text);
  return number ? { number, source: 'label' } : undefined;
}

function fromSuffix(text: string): LookupInput | undefined {
  const number = withoutHao(text);
  return number !== text && /[0-9]/.test(number) ? { number, source: 'label' } : undefined;
}

/**
 * The certificate number in what was typed or pasted into the lookup box. A link anywhere in the text wins (its
 * `/verify/<number>/` segment, whatever the host: the number is looked up in this site's own directory, and the
 * caller warns when `host` is another site's, see foreignLinkHost); else a leading label is stripped when a number
 * with a digit follows it (and a trailing 号 dropped); else the number typed with a name (fromNamed, courtesies such
 * as 「谢谢」 left out); else the text without a trailing 号; else the one Latin number in a Han message
 * (fromMessage); else the text itself. Never throws; reads at most MAX_PASTED_LENGTH characters.
 */
export function numberFromPastedText(typed: string): LookupInput {
  const cut = typed.slice(0, MAX_PASTED_LENGTH);
  // № becomes 「No」 under NFKC, and 「No123」 could be a number: read it as the label it is first.
  // Cut again after NFKC, which can make a character four (「㏂」 → 「a.m.」).
  const text = plain(cut.replace(/№/g, 'No.')).slice(0, MAX_PASTED_LENGTH).trim();
  return (
    fromLink(text) ?? fromLabel(text) ?? fromNamed(withoutCourtesy(text)) ?? fromSuffix(text) ?? fromMessage(text) ?? { number: cut.trim(), source: 'typed' }
  );
}

/**
 * The host of a pasted link when it is none of this site's (`siteHosts`: the host name the citizen reached this site
 * at, and SITE_URL's, which the QR codes carry): a badge whose QR code points elsewhere may be forged, and a
 * look-alike site may show a fake result.
 */
export function foreignLinkHost(input: LookupInput, siteHosts: readonly (string | undefined)[]): string | undefined {
  if (input.source !== 'url' || input.host === undefined) return undefined;
  const own = siteHosts.some((h) => h !== undefined && h.toLowerCase().replace(/\.$/, '') === input.host);
  return own ? undefined : input.host;
}

/**
 * What to look up, in order: when a label, a trailing 号 or a name was stripped, the text as typed first (a listed number
 * that begins like a label, such as 「NO.2024-0099」, or ends in 号 is the one meant, whatever the rest would find),
 * then the number read from it.
 */
export function lookupCandidates(typed: string, input: LookupInput): string[] {
  return input.source === 'label' ? [typed.slice(0, MAX_PASTED_LENGTH), input.number] : [input.number];
}
