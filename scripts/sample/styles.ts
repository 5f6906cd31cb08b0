import type { Column, ExportStyle } from './export.ts';

// Header words as agencies write them (the aliases in PRODUCT.md) and status/date wording per export.
const WORDS_A = { active: '在岗', suspended: '暂停', revoked: '收回', left: '离职' } as const;
const WORDS_B = { active: '有效', suspended: '暂停', revoked: '注销', left: '离岗' } as const;
/** An agency that writes a withdrawal as 注销 has cancelled the certificate: that is what its roster says. */
const WORDS_B_MEANS = { revoked: 'cancelled' } as const;
const WORDS_C = { active: '在岗', suspended: '暂停', revoked: '吊销', left: '离职' } as const;

type Cols = readonly (readonly [Column, string])[];

const GB_OFFICE: Cols = [
  ['seq', '序号'],
  ['name', '姓名'],
  ['idNumber', '身份证号'],
  ['agency', '单位'],
  ['certificateNo', '证件编号'],
  ['post', '岗位'],
  ['employment', '用工方式'],
  ['dispatcher', '劳务派遣单位'],
  ['status', '状态'],
  ['statusSince', '状态日期'],
  ['issuedOn', '发证日期'],
  ['validUntil', '有效期至'],
  ['phone', '联系电话'],
];
const FULL_WORDS: Cols = [
  ['seq', '序号'],
  ['name', '姓名'],
  ['agency', '所在单位'],
  ['certificateNo', '辅助行政执法证件编号'],
  ['post', '岗位类别'],
  ['status', '在岗状态'],
  ['statusSince', '状态日期'],
  ['issuedOn', '发证日期'],
  ['validUntil', '有效期至'],
  ['employment', '用工方式'],
  ['dispatcher', '劳务派遣单位'],
  ['birthDate', '出生日期'],
  ['idNumber', '身份证号'],
  ['phone', '联系电话'],
  ['address', '住址'],
];
const SHORT_WORDS: Cols = [
  ['name', '姓名'],
  ['agency', '工作单位'],
  ['certificateNo', '证号'],
  ['post', '岗位'],
  ['status', '状态'],
  ['issuedOn', '发证日期'],
  ['validUntil', '有效期至'],
  ['employment', '用工方式'],
  ['dispatcher', '劳务派遣单位'],
  ['idNumber', '身份证号'],
  ['phone', '联系电话'],
];
const PLAIN: Cols = [
  ['name', '姓名'],
  ['agency', '单位'],
  ['certificateNo', '编号'],
  ['post', '岗位'],
  ['status', '状态'],
  ['statusSince', '状态日期'],
  ['issuedOn', '发证日期'],
  ['validUntil', '有效期至'],
  ['employment', '用工方式'],
  ['dispatcher', '劳务派遣单位'],
  ['address', '住址'],
];
const HIRING: Cols = [
  ['seq', '序号'],
  ['name', '姓名'],
  ['agency', '招用单位'],
  ['certificateNo', '证件编号'],
  ['post', '岗位'],
  ['employment', '用工方式'],
  ['dispatcher', '劳务派遣单位'],
  ['status', '在岗状态'],
  ['statusSince', '状态日期'],
  ['issuedOn', '发证日期'],
  ['validUntil', '有效期至'],
  ['idNumber', '身份证号'],
  ['birthDate', '出生日期'],
];
// No 单位 column (the mapping file names the agency) and a header no alias knows (mapped by `columns`).
const NO_AGENCY: Cols = [
  ['seq', '序号'],
  ['name', '姓名'],
  ['certificateNo', '执法辅助证号'],
  ['post', '岗位'],
  ['status', '状态'],
  ['statusSince', '状态日期'],
  ['issuedOn', '发证日期'],
  ['validUntil', '有效期至'],
  ['employment', '用工方式'],
  ['dispatcher', '劳务派遣单位'],
  ['phone', '联系电话'],
  ['address', '住址'],
];

function withPhoto(cols: Cols): Cols {
  return [...cols, ['photo', '照片']];
}

/** The export style of each sample agency, keyed by agency id. */
export function sampleStyles(agencyNames: ReadonlyMap<string, string>): Record<string, ExportStyle> {
  const title = (id: string) => `${agencyNames.get(id)}行政执法辅助人员公示名单（截至2026年11月1日）`;
  return {
    'renqiu-cgj': {
      format: 'csv-gb18030',
      columns: withPhoto(GB_OFFICE),
      dates: 'slash',
      statusWords: WORDS_A,
      directWord: '直接招用',
      agencyAs: 'name',
      lineEnd: '\r\n',
    },
    'renqiu-scjg': {
      format: 'xlsx',
      columns: FULL_WORDS,
      dates: 'excel',
      statusWords: WORDS_A,
      directWord: '单位聘用',
      agencyAs: 'name',
      title: title('renqiu-scjg'),
      sheet: '辅助人员名单',
      mapping: { sheet: '辅助人员名单', headerRow: 2 },
    },
    'renqiu-jtzf': {
      format: 'csv-utf8-bom',
      columns: SHORT_WORDS,
      dates: 'chinese',
      statusWords: WORDS_B,
      statusMeans: WORDS_B_MEANS,
      directWord: '直接招用',
      agencyAs: 'name',
      lineEnd: '\r\n',
    },
    'renqiu-sthj': { format: 'csv-utf8', columns: PLAIN, dates: 'iso', statusWords: WORDS_A, directWord: '单位聘用', agencyAs: 'id' },
    'renqiu-yjgl': {
      format: 'csv-gb18030',
      columns: FULL_WORDS,
      dates: 'chinese',
      statusWords: WORDS_C,
      directWord: '直接招用',
      agencyAs: 'name',
      lineEnd: '\r\n',
    },
    'renqiu-zrzy': { format: 'xlsx', columns: PLAIN, dates: 'iso', statusWords: WORDS_B, statusMeans: WORDS_B_MEANS, directWord: '单位聘用', agencyAs: 'name' },
    'renqiu-nync': {
      format: 'csv-utf8',
      columns: NO_AGENCY,
      dates: 'slash',
      statusWords: WORDS_A,
      directWord: '直接招用',
      agencyAs: 'name',
      mapping: { agency: 'renqiu-nync', columns: { 执法辅助证号: 'certificateNo' } },
    },
    'luan-cgj': { format: 'xlsx', columns: HIRING, dates: 'excel', statusWords: WORDS_A, directWord: '单位聘用', agencyAs: 'name', sheet: '名单' },
    'luan-scjg': {
      format: 'csv-utf8-bom',
      columns: FULL_WORDS,
      dates: 'chinese',
      statusWords: WORDS_B,
      statusMeans: WORDS_B_MEANS,
      directWord: '单位聘用',
      agencyAs: 'name',
    },
    'luan-jtzf': { format: 'csv-gb18030', columns: HIRING, dates: 'slash', statusWords: WORDS_C, directWord: '直接招用', agencyAs: 'name', lineEnd: '\r\n' },
    'luan-sthj': { format: 'csv-utf8', columns: SHORT_WORDS, dates: 'iso', statusWords: WORDS_A, directWord: '直接招用', agencyAs: 'id' },
    'luan-jinan-cgj': {
      format: 'xlsx',
      columns: GB_OFFICE,
      dates: 'slash',
      statusWords: WORDS_B,
      statusMeans: WORDS_B_MEANS,
      directWord: '直接招用',
      agencyAs: 'name',
      title: title('luan-jinan-cgj'),
      sheet: '公示名单',
      mapping: { sheet: '公示名单', headerRow: 2 },
    },
    'luan-jinan-scjg': {
      format: 'csv-gb18030',
      columns: PLAIN,
      dates: 'chinese',
      statusWords: WORDS_A,
      directWord: '单位聘用',
      agencyAs: 'name',
      lineEnd: '\r\n',
    },
    'luan-jinan-yjgl': {
      format: 'csv-utf8',
      columns: GB_OFFICE,
      dates: 'iso',
      statusWords: WORDS_B,
      statusMeans: WORDS_B_MEANS,
      directWord: '直接招用',
      agencyAs: 'name',
    },
    'luan-yuan-cgj': {
      format: 'csv-utf8-bom',
      columns: HIRING,
      dates: 'slash',
      statusWords: WORDS_A,
      directWord: '单位聘用',
      agencyAs: 'name',
      lineEnd: '\r\n',
    },
    'luan-yuan-nync': {
      format: 'csv-utf8',
      columns: NO_AGENCY,
      dates: 'chinese',
      statusWords: WORDS_C,
      directWord: '直接招用',
      agencyAs: 'name',
      mapping: { agency: 'luan-yuan-nync', columns: { 执法辅助证号: 'certificateNo' } },
    },
  };
}

/** The plain UTF-8 style used for the bulk of a province-sized roster. */
export const BULK_STYLE: ExportStyle = { format: 'csv-utf8', columns: PLAIN, dates: 'iso', statusWords: WORDS_A, directWord: '直接招用', agencyAs: 'name' };
export const BULK_GB_STYLE: ExportStyle = {
  format: 'csv-gb18030',
  columns: GB_OFFICE,
  dates: 'slash',
  statusWords: WORDS_A,
  directWord: '直接招用',
  agencyAs: 'name',
  lineEnd: '\r\n',
};
export const BULK_XLSX_STYLE: ExportStyle = {
  format: 'xlsx',
  columns: FULL_WORDS,
  dates: 'excel',
  statusWords: WORDS_B,
  statusMeans: WORDS_B_MEANS,
  directWord: '单位聘用',
  agencyAs: 'name',
  sheet: '名单',
};
