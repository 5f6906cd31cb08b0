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

export const dateFields: ReadonlySet<RosterField> = new Set(['statusSince', 'issuedOn', 'validUntil']);
