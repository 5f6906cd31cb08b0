import { agencyNameKey, type Registry } from '../registry/load.ts';
import type { Agency } from '../../core/registry/schema.ts';
import type { Auxiliary } from '../../core/roster/schema.ts';
import { dateFields, fieldLabels, type RosterField } from './fields.ts';
import type { MappedColumn } from './headers.ts';
import { cellText, cleanText, normalizeName, parseCertificateNo, parseConsent, parseDate, parseEmployment, type Parsed } from './normalize.ts';
import { findPrivateNumber, PRIVATE_NUMBER_NAMES } from './private-numbers.ts';
import { parseStatus } from './status.ts';
import type { RosterProblem } from './problems.ts';
import type { CellIssue, RawCell } from './table.ts';

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
  | { kind: 'bad'; problems: RosterProblem[]; statusWord?: string };

/** Longest published values, in characters: a name fits a page heading and a search result; the rest a table cell. */
export const MAX_NAME_LENGTH = 50;
export const MAX_FIELD_LENGTH = 200;

const CELL_ISSUES: Record<CellIssue['issue'], (ref: string) => string> = {
  'no-cached-value': (ref) => `单元格 ${ref} 是公式，但文件里没有保存计算结果（由程序生成的文件常见）：请在 Excel 或 WPS 中打开这个文件、保存一次后再放入`,
  'external-link': (ref) => `单元格 ${ref} 的公式引用了另一个文件，这样的值不会公开：请把该列“选择性粘贴 → 数值”后再导出`,
  'error-value': (ref) => `单元格 ${ref} 的值是错误值（如 #N/A、#REF!）：请改正公式或填入内容`,
};

/** An absolute path on the clerk's computer or network (`C:\…`, `\\server\…`, `file:…`): never published. */
const FILE_PATH = /(?:^|[^a-z])[a-z]:[\\/]|\\\\[^\\\s]|file:\/\//i;

/** One data row → an Auxiliary of the allow-listed fields only, or every problem the row has. */
export function readRow(cells: readonly RawCell[], rowNumber: number, ctx: RowContext): RowResult {
  const raw = (field: RosterField): RawCell => {
    const column = ctx.columns.get(field);
    return column === undefined ? '' : (cells[column.index] ?? '');
  };
  const texts = new Map<RosterField, string>();
  let anything = false;
  for (const [field, column] of ctx.columns) {
    const cell = cells[column.index] ?? '';
    const value = cleanText(cellText(cell));
    texts.set(field, value);
    if (value !== '' || (typeof cell === 'object' && !(cell instanceof Date))) anything = true;
  }
  if (!anything) return { kind: 'empty' };
  const text = (field: RosterField): string => texts.get(field) ?? '';

  const problems: RosterProblem[] = [];
  /** Fields whose value must not be quoted or checked further: it carries a private number, a path, or is a refused cell. */
  const withheld = new Set<RosterField>();
  const problem = (field: RosterField, reason: string, value?: string): void => {
    if (withheld.has(field)) return;
    problems.push({ file: ctx.file, row: rowNumber, column: ctx.columns.get(field)?.label, value, reason });
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
        withhold(field, `${fieldLabels[field]}中含有${PRIVATE_NUMBER_NAMES[kind]}，不能公开（此处不引用原值）`);
        continue;
      }
    }
    if ((value.includes(':') || value.includes('\\')) && FILE_PATH.test(value)) {
      withhold(
        field,
        `${fieldLabels[field]}中含有电脑上的文件路径，不能公开（此处不引用原值）${field === 'photo' ? '：照片应写成名单文件所在文件夹内的相对路径，如 photos/张三.jpg' : ''}`,
      );
      continue;
    }
    const max = field === 'name' ? MAX_NAME_LENGTH : MAX_FIELD_LENGTH;
    // Code units bound code points from above: only a long value is counted character by character.
    const length = value.length > max ? [...value].length : 0;
    if (length > max) withhold(field, `${fieldLabels[field]}过长：${length} 个字符，最多 ${max} 个`);
  }

  const name = normalizeName(text('name'));
  if (!name) problem('name', '姓名为空');

  const certificateText = text('certificateNo');
  const certificateRaw = raw('certificateNo');
  const certificate: Parsed<string> =
    typeof certificateRaw === 'number' && Math.abs(certificateRaw) >= 1e15
      ? { ok: false, reason: '证件编号在 Excel 中存成了数字，超过 15 位的数字会丢失末尾几位：请把该列设为“文本”、重新填入编号', hideValue: true }
      : parseCertificateNo(certificateText);
  if (!certificate.ok) problem('certificateNo', certificate.reason, certificate.hideValue ? undefined : certificateText);

  let agency = ctx.mappingAgency ?? ctx.sheetAgency?.agency;
  const noAgency = (): void => {
    const sheet = ctx.sheetAgency;
    if (sheet && !sheet.agency)
      problem('agency', `单位为空，表头上方第 ${sheet.row} 行写的单位「${sheet.text}」在 agencies.yaml 中找不到（应与机关的完整名称一致）`);
    else problem('agency', '单位为空');
  };
  if (!ctx.columns.has('agency') && !agency) noAgency();
  if (ctx.columns.has('agency')) {
    const agencyText = text('agency');
    if (agencyText) {
      const found = ctx.resolveAgency(agencyText);
      if (!found) problem('agency', '在 agencies.yaml 中找不到这个单位（应与机关的 id 或完整名称一致）', agencyText);
      else if (ctx.mappingAgency && found.id !== ctx.mappingAgency.id) {
        problem('agency', `与映射文件指定的单位「${ctx.mappingAgency.name}」（${ctx.mappingAgency.id}）不一致`, agencyText);
      } else agency = found;
    } else if (!agency) noAgency();
  }

  const status = parseStatus(text('status'));
  if (!status.ok) problem('status', status.reason, text('status'));

  const dates: Partial<Record<'statusSince' | 'issuedOn' | 'validUntil', string>> = {};
  for (const field of dateFields) {
    const value = raw(field);
    const parsed = parseDate(typeof value === 'string' ? value.trim() : value, ctx.date1904);
    if (!parsed.ok) problem(field, `${fieldLabels[field]}：${parsed.reason}`, cellText(value).trim());
    else if (parsed.value) dates[field as 'statusSince' | 'issuedOn' | 'validUntil'] = parsed.value;
  }
  if (dates.issuedOn && dates.validUntil && dates.validUntil < dates.issuedOn) {
    problem('validUntil', `有效期至早于发证日期 ${dates.issuedOn}`, dates.validUntil);
  }

  const employment = parseEmployment(text('employment'));
  if (!employment.ok) problem('employment', employment.reason, text('employment'));
  const dispatcher = text('dispatcher');
  if (dispatcher && employment.ok && employment.value === 'direct') {
    problem('dispatcher', '用工方式为直接招用，不应填写劳务派遣单位', dispatcher);
  }

  const photo = text('photo').replace(/\\/g, '/');
  if (photo) {
    const reason = checkPhoto(photo, ctx.existingFiles);
    if (reason) problem('photo', reason, photo);
  }

  const consent = parseConsent(text('photoConsent'));
  if (!consent.ok) problem('photoConsent', consent.reason, text('photoConsent'));

  const statusWord = text('status');
  if (problems.length || !certificate.ok || !agency || !status.ok) return { kind: 'bad', problems, statusWord: status.ok ? statusWord : undefined };
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

const PHOTO_EXTENSIONS = /\.(jpe?g|png|webp)$/i;

function checkPhoto(photo: string, existingFiles: ReadonlySet<string> | undefined): string | undefined {
  if (photo.startsWith('/') || /^[a-z]:/i.test(photo) || photo.split('/').some((part) => part === '..' || part === '')) {
    return '照片应写成名单文件所在文件夹内的相对路径，如 photos/张三.jpg';
  }
  if (!PHOTO_EXTENSIONS.test(photo)) return '照片应为 .jpg、.jpeg、.png 或 .webp 文件';
  if (existingFiles && !existingFiles.has(photo)) return '照片文件不存在（应放在名单文件所在文件夹内）';
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
