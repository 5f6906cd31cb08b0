import { agencyNameKey, type Registry } from '../registry/load.ts';
import type { Agency } from '../../core/registry/schema.ts';
import type { Auxiliary } from '../../core/roster/schema.ts';
import { dateFields, fieldLabels, type RosterField } from './fields.ts';
import type { MappedColumn } from './headers.ts';
import { CONTROL_CHARACTERS } from '../../core/text.ts';
import {
  cellText,
  cleanText,
  containsResidentIdNumber,
  dropInvisible,
  normalizeName,
  parseCertificateNo,
  parseConsent,
  parseDate,
  parseEmployment,
  type Parsed,
} from './normalize.ts';
import { findPrivateNumber, PRIVATE_NUMBER_NAMES } from './private-numbers.ts';
import { parseStatus } from './status.ts';
import { placed, type Placed, type RosterProblem } from './problems.ts';
import type { CellIssue, RawCell } from './table.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/** What a 有效期至 cell says when the certificate has no end date. */
const OPEN_ENDED = /长期|永久|终身|无期限|不限|无固定期限|无限期/;

export interface RowContext {
  file: string;
  columns: ReadonlyMap<RosterField, MappedColumn>;
  /** From the mapping file: the agency every row belongs to. */
  mappingAgency?: Agency;
  /** Named above the header (填报单位：…, or a title starting with an agency's name): the agency of rows whose 单位 is blank. */
  sheetAgency?: { agency?: Agency; text: string; row: number };
  /** Resolves a 单位 cell to an agency (cached by the caller). */
  resolveAgency: (value: string) => Agency | undefined;
  date1904: boolean;
  /** Files in the roster's folder (relative, `/`-separated), to check photos; absent → not checked. */
  existingFiles?: ReadonlySet<string>;
}

export type RowResult =
  | { kind: 'empty' }
  | { kind: 'ok'; auxiliary: Auxiliary; statusWord: string }
  /**
   * `certificateNo`: the row's certificate number when it could be read (and may be quoted), so that a duplicate
   * of it is reported in the same run as the row's other problems, not only once they are fixed.
   */
  | { kind: 'bad'; problems: RosterProblem[]; statusWord?: string; certificateNo?: string };

/** Longest published values, in characters: a name fits a page heading and a search result; the rest a table cell. */
export const MAX_NAME_LENGTH = 50;
export const MAX_FIELD_LENGTH = 200;

const CELL_ISSUES: Record<CellIssue['issue'], (ref: string) => string> = {
  'no-cached-value': (ref) => withHint(rosterErrors.CellNoCachedValue, ref),
  'external-link': (ref) => withHint(rosterErrors.CellExternalLink, ref),
  'error-value': (ref) => withHint(rosterErrors.CellErrorValue, ref),
};

/** Where a `?` (or `？`) is a character lost in an encoding conversion rather than written. */
const QUESTION_FIELDS: ReadonlySet<RosterField> = new Set(['name', 'certificateNo']);
const QUESTION_MARK = /[?？]/;

/**
 * A date as Chinese Excel shows one it made of what was typed (`2024年1月`, `2024年1月1日`, `1月5日`), as a CSV saved
 * from it holds it: never a certificate number, though its characters would pass.
 */
const DATE_AS_SHOWN = /^(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?$/;

/** An absolute path on the clerk's computer or network (`C:\…`, `\\server\…`, `file:…`): never published. */
const FILE_PATH = /(?:^|[^a-z])[a-z]:[\\/]|\\\\[^\\\s]|file:\/\//i;

/** One data row → an Auxiliary of the allow-listed fields only, or every problem the row has. */
export function readRow(cells: readonly RawCell[], rowNumber: number, ctx: RowContext): RowResult {
  const raw = (field: RosterField): RawCell => {
    const column = ctx.columns.get(field);
    return column === undefined ? '' : (cells[column.index] ?? '');
  };
  const texts = new Map<RosterField, string>();
  /** The first control, bidi or replacement character in a field's text, looked for before white space is cleaned. */
  const controls = new Map<RosterField, string>();
  let anything = false;
  for (const [field, column] of ctx.columns) {
    const cell = cells[column.index] ?? '';
    const written = dropInvisible(cellText(cell));
    const control = CONTROL_CHARACTERS.exec(written)?.[0];
    if (control !== undefined) controls.set(field, control);
    const value = cleanText(written);
    texts.set(field, value);
    if (value !== '' || (typeof cell === 'object' && !(cell instanceof Date))) anything = true;
  }
  if (!anything) return { kind: 'empty' };
  const text = (field: RosterField): string => texts.get(field) ?? '';

  const problems: RosterProblem[] = [];
  /** Fields whose value must not be quoted or checked further: it carries a private number, a path, or is a refused cell. */
  const withheld = new Set<RosterField>();
  const problem = (field: RosterField, reason: string | Placed, value?: string): void => {
    if (withheld.has(field)) return;
    const texts = typeof reason === 'string' ? { reason } : reason;
    problems.push({ file: ctx.file, row: rowNumber, column: ctx.columns.get(field)?.label, value, ...texts });
  };
  const withhold = (field: RosterField, reason: string): void => {
    problem(field, reason);
    withheld.add(field);
  };

  for (const [field] of ctx.columns) {
    const cell = raw(field);
    if (typeof cell === 'object' && !(cell instanceof Date)) {
      withhold(field, CELL_ISSUES[cell.issue](cell.ref));
      continue;
    }
    const value = text(field);
    if (!value) continue;
    // Any published text other than the certificate number may not carry an ID-card or mobile number, however
    // written; the certificate number has its own check (an agency's numbers may look like phone numbers).
    if (field !== 'certificateNo') {
      const kind = findPrivateNumber(value);
      if (kind) {
        withhold(field, withHint(rosterErrors.PrivateNumber, fieldLabels[field], PRIVATE_NUMBER_NAMES[kind]));
        continue;
      }
    }
    // Control characters, bidi marks (a name shown backwards) and U+FFFD (text already garbled by a conversion)
    // are invisible or misleading on a page: refused, and not quoted (the message itself would be garbled).
    const control = controls.get(field);
    if (control !== undefined) {
      withhold(field, withHint(rosterErrors.ControlCharacter, fieldLabels[field], describeControl(control)));
      continue;
    }
    // Excel's "CSV (逗号分隔)" writes code page 936 on a Chinese Windows: a character outside GBK (刘䶮) becomes `?`.
    // No name or certificate number has one, so it is a lost character, never published as `刘?`.
    const mark = QUESTION_FIELDS.has(field) ? QUESTION_MARK.exec(value)?.[0] : undefined;
    if (mark !== undefined) {
      const quotable = field !== 'certificateNo' || !containsResidentIdNumber(value);
      problem(field, withHint(rosterErrors.QuestionMark, fieldLabels[field], mark), quotable ? value : undefined);
      withheld.add(field);
      continue;
    }
    if ((value.includes(':') || value.includes('\\')) && FILE_PATH.test(value)) {
      const path = withHint(rosterErrors.FilePath, fieldLabels[field]);
      withhold(field, field === 'photo' ? `${path}：${withHint(rosterErrors.PhotoNotRelative)}` : path);
      continue;
    }
    const max = field === 'name' ? MAX_NAME_LENGTH : MAX_FIELD_LENGTH;
    // Code units bound code points from above: only a long value is counted character by character.
    const length = value.length > max ? [...value].length : 0;
    if (length > max) withhold(field, withHint(rosterErrors.TooLong, fieldLabels[field], length, max));
  }

  const name = normalizeName(text('name'));
  if (!name) problem('name', withHint(rosterErrors.NameEmpty));

  const certificateText = text('certificateNo');
  const certificateRaw = raw('certificateNo');
  const certificate: Parsed<string> =
    typeof certificateRaw === 'number' && Math.abs(certificateRaw) >= 1e15
      ? { ok: false, reason: withHint(rosterErrors.CertificateLongNumber), hideValue: true }
      : // A date cell (Excel made `2024-1` the date 2024-01-01), or a CSV cell holding the date it then showed.
        certificateRaw instanceof Date || DATE_AS_SHOWN.test(certificateText)
        ? { ok: false, reason: withHint(rosterErrors.CertificateIsDate) }
        : parseCertificateNo(certificateText);
  if (!certificate.ok) problem('certificateNo', certificate.reason, certificate.hideValue ? undefined : certificateText);

  let agency = ctx.mappingAgency ?? ctx.sheetAgency?.agency;
  const noAgency = (): void => {
    const sheet = ctx.sheetAgency;
    if (sheet && !sheet.agency) problem('agency', withHint(rosterErrors.AgencyEmptySheetUnknown, sheet.row, sheet.text));
    else problem('agency', withHint(rosterErrors.AgencyEmpty));
  };
  if (!ctx.columns.has('agency') && !agency) noAgency();
  if (ctx.columns.has('agency')) {
    const agencyText = text('agency');
    if (agencyText) {
      const found = ctx.resolveAgency(agencyText);
      if (!found) problem('agency', withHint(rosterErrors.AgencyUnknown), agencyText);
      else if (ctx.mappingAgency && found.id !== ctx.mappingAgency.id) {
        problem('agency', placed(rosterErrors.AgencyMismatch, ctx.mappingAgency.name, ctx.mappingAgency.id), agencyText);
      } else agency = found;
    } else if (!agency) noAgency();
  }

  const status = parseStatus(text('status'));
  if (!status.ok) problem('status', status.reason, text('status'));

  const dates: Partial<Record<'statusSince' | 'issuedOn' | 'validUntil', string>> = {};
  for (const field of dateFields) {
    const value = raw(field);
    const parsed = parseDate(typeof value === 'string' ? value.trim() : value, ctx.date1904);
    if (!parsed.ok) {
      const written = cellText(value).trim();
      // 「长期」, 「永久有效」: a certificate without an end date — blank says so, and blank is accepted.
      const noExpiry = field === 'validUntil' && OPEN_ENDED.test(written) ? `；${withHint(rosterErrors.NoExpiry, written)}` : '';
      problem(field, `${fieldLabels[field]}：${parsed.reason}${noExpiry}`, written);
    } else if (parsed.value) dates[field as 'statusSince' | 'issuedOn' | 'validUntil'] = parsed.value;
  }
  if (dates.issuedOn && dates.validUntil && dates.validUntil < dates.issuedOn) {
    problem('validUntil', withHint(rosterErrors.ValidBeforeIssued, dates.issuedOn), dates.validUntil);
  }

  const employment = parseEmployment(text('employment'));
  if (!employment.ok) problem('employment', employment.reason, text('employment'));
  const dispatcher = text('dispatcher');
  if (dispatcher && employment.ok && employment.value === 'direct') {
    problem('dispatcher', withHint(rosterErrors.DispatcherForDirect), dispatcher);
  }

  const photo = text('photo').replace(/\\/g, '/');
  if (photo) {
    const reason = checkPhoto(photo, ctx.existingFiles);
    if (reason) problem('photo', reason, photo);
  }

  const consent = parseConsent(text('photoConsent'));
  if (!consent.ok) problem('photoConsent', consent.reason, text('photoConsent'));

  const statusWord = text('status');
  if (problems.length || !certificate.ok || !agency || !status.ok) {
    const bad: RowResult = { kind: 'bad', problems, statusWord: status.ok ? statusWord : undefined };
    if (certificate.ok && !withheld.has('certificateNo')) bad.certificateNo = certificate.value;
    return bad;
  }
  const auxiliary: Auxiliary = { certificateNo: certificate.value, name, agencyId: agency.id, status: status.value };
  const post = text('post');
  if (post) auxiliary.post = post;
  if (dates.statusSince) auxiliary.statusSince = dates.statusSince;
  if (dates.issuedOn) auxiliary.issuedOn = dates.issuedOn;
  if (dates.validUntil) auxiliary.validUntil = dates.validUntil;
  // A dispatch company named without a 用工方式 means the person is dispatched.
  const employmentValue = employment.ok ? (employment.value ?? (dispatcher ? 'dispatch' : undefined)) : undefined;
  if (employmentValue) auxiliary.employment = employmentValue;
  if (dispatcher) auxiliary.dispatcher = dispatcher;
  if (photo) auxiliary.photo = photo;
  if (consent.ok && consent.value) auxiliary.photoConsent = true;
  return { kind: 'ok', auxiliary, statusWord };
}

const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** What a refused character is, for the clerk: its kind and its code point (`U+202E`). */
function describeControl(character: string): string {
  const code = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  if (character === '\uFFFD') return `替换字符 ${code}（显示为“�”，文字在转换编码时已经损坏）`;
  if (BIDI.test(character)) return `改变文字显示方向的控制字符 ${code}`;
  return `不可见的控制字符 ${code}`;
}

const PHOTO_EXTENSIONS = /\.(jpe?g|png|webp)$/i;

function checkPhoto(photo: string, existingFiles: ReadonlySet<string> | undefined): string | undefined {
  if (photo.startsWith('/') || /^[a-z]:/i.test(photo) || photo.split('/').some((part) => part === '..' || part === '')) {
    return withHint(rosterErrors.PhotoNotRelative);
  }
  if (!PHOTO_EXTENSIONS.test(photo)) return withHint(rosterErrors.PhotoType);
  if (existingFiles && !existingFiles.has(photo)) return withHint(rosterErrors.PhotoMissing);
  return undefined;
}

/** Agency by id or by exact name (NFKC, spaces dropped), cached: a roster repeats the same few units. */
export function agencyResolver(registry: Registry): (value: string) => Agency | undefined {
  const cache = new Map<string, Agency | undefined>();
  return (value) => {
    if (cache.has(value)) return cache.get(value);
    const agency = registry.byId.get(value.trim()) ?? registry.byName.get(agencyNameKey(value));
    cache.set(value, agency);
    return agency;
  };
}
