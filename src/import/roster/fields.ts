import { CERTIFICATE_NO_NAMES } from '../../core/lookup-input.ts';
/** The roster columns we read; `agency` becomes `agencyId`, the rest are Auxiliary fields of the same name. */
export const rosterFields = [
  'name',
  'agency',
  'certificateNo',
  'post',
  'status',
  'statusSince',
  'issuedOn',
  'validUntil',
  'employment',
  'dispatcher',
  'photo',
  'photoConsent',
] as const;
export type RosterField = (typeof rosterFields)[number];

/** How each field is called in messages to a clerk. */
export const fieldLabels: Record<RosterField, string> = {
  name: '姓名',
  agency: '单位',
  certificateNo: '证件编号',
  post: '岗位',
  status: '状态',
  statusSince: '状态日期',
  issuedOn: '发证日期',
  validUntil: '有效期至',
  employment: '用工方式',
  dispatcher: '劳务派遣单位',
  photo: '照片',
  photoConsent: '照片公开同意',
};

/** Header texts recognized without a mapping file (compared after headerKey). */
export const headerAliases: Record<RosterField, readonly string[]> = {
  name: ['姓名'],
  agency: ['单位', '所在单位', '工作单位', '招用单位'],
  certificateNo: CERTIFICATE_NO_NAMES,
  post: ['岗位', '岗位类别'],
  status: ['状态', '在岗状态'],
  statusSince: ['状态日期', '变动日期'],
  issuedOn: ['发证日期'],
  validUntil: ['有效期至'],
  employment: ['用工方式'],
  dispatcher: ['劳务派遣单位'],
  photo: ['照片'],
  photoConsent: ['照片公开同意', '同意公开照片'],
};

/**
 * Aliases that name a field only weakly: 编号 is as often a staff or serial number (工号、人员编号: 001, 002 …) as
 * the certificate number. A column under a weak alias yields to one the mapping file or a full alias names for the
 * same field (then it is dropped), and is refused when a dropped column looks more like the field (执法证号 next to
 * 编号): see import.ts.
 */
export const weakAliases: Partial<Record<RosterField, readonly string[]>> = { certificateNo: ['编号'] };

/**
 * A header that says certificate number in other words (执法证号, 证件号码, 工作证编号, 证书编号), or one of the
 * aliases with decoration (证件编号（必填）); a private header (身份证号) is never one.
 */
export const CERTIFICATE_LIKE_HEADER = /证.*(?:号|编码)/;

export const dateFields: ReadonlySet<RosterField> = new Set(['statusSince', 'issuedOn', 'validUntil']);
