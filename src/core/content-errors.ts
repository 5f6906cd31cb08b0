import type { ErrorData } from './error-data.ts';

/**
 * What an operator sees when the content folder is broken (agencies.yaml, regulations/, policy.yaml,
 * holidays.yaml). Each problem is listed under the file it is in (ContentError), prefixed with where in the file;
 * field-level wording of the schemas stays with the schemas.
 */
export const contentErrors = {
  Unreadable: {
    name: 'Unreadable',
    title: '无法读取文件',
    message: (detail: string) => `无法读取文件：${detail}`,
    hint: '检查文件是否存在、运行网站的账户能否读取',
  },
  FileMissing: { name: 'FileMissing', title: '文件不存在', message: '文件不存在' },
  BadYaml: {
    name: 'BadYaml',
    title: 'YAML 格式错误',
    message: (detail: string) => `YAML 格式错误：${detail}`,
    hint: '检查所指行的缩进（只用空格）、冒号后的空格和引号是否成对',
  },
  RegulationsDirUnreadable: {
    name: 'RegulationsDirUnreadable',
    title: '无法读取办法目录',
    message: (detail: string) => `无法读取办法目录：${detail}`,
  },
  RegulationIdMismatch: {
    name: 'RegulationIdMismatch',
    title: '办法 id 与文件名不一致',
    message: (id: string, expected: string) => `id "${id}" 应与文件名 "${expected}" 一致`,
  },
  DuplicateProvisionId: {
    name: 'DuplicateProvisionId',
    title: '条文 id 重复',
    message: (where: string, id: string) => `${where}: "${id}" 重复`,
  },
  UnknownProvision: {
    name: 'UnknownProvision',
    title: '引用的条文不存在',
    message: (where: string, id: string) => `${where}: 没有 id 为 "${id}" 的条文`,
  },
  ProvisionInWrongList: {
    name: 'ProvisionInWrongList',
    title: '引用的条文不在允许的清单中',
    message: (where: string, id: string, list: string, allowed: readonly string[]) =>
      `${where}: "${id}" 在 ${list} 中，这里只能引用 ${allowed.join('、')} 中的条文`,
  },
  DeadlinesMoved: {
    name: 'DeadlinesMoved',
    title: '办理时限应写在 policy.yaml',
    message: (where: string) => `${where}: deadlines 不再写在办法文件里，请移到 policy.yaml 的 handling 一节（办理时限是本平台的规则，不是办法的规定）`,
  },
  ReadingUnknownRegulation: {
    name: 'ReadingUnknownRegulation',
    title: '解读所属的办法不存在',
    message: (where: string, regulation: string) =>
      `${where}: 没有 id 为 "${regulation}" 的办法（删去一部办法时，也要删去 readings.yaml 中属于它的各行；见 docs/CONTENT.md“删去一部办法”）`,
  },
  ReadingMatchesNoProvision: {
    name: 'ReadingMatchesNoProvision',
    title: '解读对应不到条文',
    message: (where: string) => `${where}: 该办法中没有条款序号和原文都与这一行一致的条文（原文或序号改过后，解读须重新审阅并更新这一行）`,
  },
  ReadingTwice: {
    name: 'ReadingTwice',
    title: '同一条文有两行解读',
    message: (where: string) => `${where}: 这一条文已有解读（每条只能有一行）`,
  },
  AgencyNotAnObject: { name: 'AgencyNotAnObject', title: '机关项格式不对', message: '每一项应是一个机关（id、name、region…）' },
  DuplicateAgencyId: {
    name: 'DuplicateAgencyId',
    title: '机关 id 重复',
    message: (at: string, id: string) => `${at}: id "${id}" 重复`,
  },
  DuplicateAgencyName: {
    name: 'DuplicateAgencyName',
    title: '机关名称重复',
    message: (at: string, name: string, otherId: string) => `${at}: 名称 "${name}" 与 id "${otherId}" 重复`,
  },
  UnknownRegulation: {
    name: 'UnknownRegulation',
    title: '适用办法未定义',
    message: (at: string, regulation: string, known: readonly string[]) => `${at}: 适用办法 regulation "${regulation}" 未定义（已有：${known.join('、')}）`,
  },
  SelfReference: {
    name: 'SelfReference',
    title: '机关指向自身',
    message: (at: string, field: string) => `${at}: ${field} 不能指向自身`,
  },
  MissingReference: {
    name: 'MissingReference',
    title: '引用的机关不存在',
    message: (at: string, field: string, ref: string) => `${at}: ${field} "${ref}" 不存在`,
  },
  ParentCycle: {
    name: 'ParentCycle',
    title: '上级机关关系成环',
    message: (cycle: readonly string[]) => `上级机关 parent 关系成环：${cycle.join(' → ')}`,
  },
  OversightCycle: {
    name: 'OversightCycle',
    title: '监督机关关系成环',
    message: (cycle: readonly string[]) => `监督机关 oversight 关系成环：${cycle.join(' → ')}`,
  },
  HolidaysOldLayout: {
    name: 'HolidaysOldLayout',
    title: '节假日文件是旧格式',
    message: '节假日须按年份写在 years 下，每年注明出处 source（格式见 docs/CONTENT.md）',
  },
  HolidaysNotCovered: {
    name: 'HolidaysNotCovered',
    title: '节假日日历未覆盖今后 90 天',
    message: (years: readonly number[]) =>
      `节假日日历 holidays.yaml 未覆盖 ${years.join('、')} 年（今后 90 天内）：办理期限只跳过周末，未扣除法定节假日，页面和邮件会如实说明。`,
    hint: '请按国务院办公厅当年的放假安排通知补上该年，并注明出处（docs/CONTENT.md）。',
  },
} as const satisfies Record<string, ErrorData>;
