import { agencyNameKey, type Registry } from '../registry/load.ts';
import type { Agency } from '../../core/registry/schema.ts';
import type { Auxiliary } from '../../core/roster/schema.ts';
import { dateFields, fieldLabels, type RosterField } from './fields.ts';
import type { MappedColumn } from './headers.ts';
import { cellText, cleanText, containsMobileNumber, containsResidentIdNumber, normalizeName, parseCertificateNo, parseDate, parseEmployment, parseStatus, type Parsed } from './normalize.ts';
import type { RosterProblem } from './problems.ts';
import type { RawCell } from './table.ts';

export interface RowContext {
  file: string;
  columns: ReadonlyMap<RosterField, MappedColumn>;
  /** From the mapping file: the agency every row belongs to. */
  mappingAgency?: Agency;
  /** Resolves a 单位 cell to an agency (cached by the caller). */
  resolveAgency: (value: string) => Agency | undefined;
  date1904: boolean;
  /** Files in the roster's folder (relative, `/`-separated), to check photos; absent → not checked. */
  existingFiles?: ReadonlySet<string>;
}

export type RowResult = { kind: 'empty' } | { kind: 'ok'; auxiliary: Auxiliary } | { kind: 'bad'; problems: RosterProblem[] };

/** One data row → an Auxiliary of the allow-listed fields only, or every problem the row has. */
export function readRow(cells: readonly RawCell[], rowNumber: number, ctx: RowContext): RowResult {
  const raw = (field: RosterField): RawCell => {
    const column = ctx.columns.get(field);
    return column === undefined ? '' : (cells[column.index] ?? '');
  };
  const texts = new Map<RosterField, string>();
  let anything = false;
  for (const [field, column] of ctx.columns) {
    const value = cleanText(cellText(cells[column.index] ?? ''));
    texts.set(field, value);
    if (value !== '') anything = true;
  }
  if (!anything) return { kind: 'empty' };
  const text = (field: RosterField): string => texts.get(field) ?? '';

  const problems: RosterProblem[] = [];
  const problem = (field: RosterField, reason: string, value?: string): void => {
    problems.push({ file: ctx.file, row: rowNumber, column: ctx.columns.get(field)?.label, value, reason });
  };

  const name = normalizeName(text('name'));
  if (!name) problem('name', '姓名为空');
  // A published text that carries an ID-card number (a pasted-in column, a photo named by it) is refused unquoted.
  for (const field of ['name', 'post', 'dispatcher', 'photo'] as const) {
    if (containsResidentIdNumber(text(field))) problem(field, `${fieldLabels[field]}中含有居民身份证号码，不能公开`);
    else if (field !== 'photo' && containsMobileNumber(text(field))) problem(field, `${fieldLabels[field]}中含有手机号码，不能公开`);
  }

  const certificateText = text('certificateNo');
  const certificateRaw = raw('certificateNo');
  const certificate: Parsed<string> =
    typeof certificateRaw === 'number' && Math.abs(certificateRaw) >= 1e15
      ? { ok: false, reason: '证件编号在 Excel 中存成了数字，超过 15 位的数字会丢失末尾几位：请把该列设为“文本”、重新填入编号', hideValue: true }
      : parseCertificateNo(certificateText);
  if (!certificate.ok) problem('certificateNo', certificate.reason, certificate.hideValue ? undefined : certificateText);

  let agency = ctx.mappingAgency;
  if (ctx.columns.has('agency')) {
    const agencyText = text('agency');
    if (agencyText) {
      const found = ctx.resolveAgency(agencyText);
      if (!found) problem('agency', '在 agencies.yaml 中找不到这个单位（应与机关的 id 或完整名称一致）', agencyText);
      else if (ctx.mappingAgency && found.id !== ctx.mappingAgency.id) {
        problem('agency', `与映射文件指定的单位「${ctx.mappingAgency.name}」（${ctx.mappingAgency.id}）不一致`, agencyText);
      } else agency = found;
    } else if (!ctx.mappingAgency) problem('agency', '单位为空');
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

  if (problems.length || !certificate.ok || !agency || !status.ok) return { kind: 'bad', problems };
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
  return { kind: 'ok', auxiliary };
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
