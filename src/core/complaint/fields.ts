import { type abouts, type kinds, limits } from './schema.ts';
import { MAX_PASTED_LENGTH } from '../lookup-input.ts';
import { PRIVACY_NOTICE_TITLE } from '../policy/labels.ts';

/**
 * The complaint form, defined once: every field's label, hint and input rules, and the form's other words. The
 * plain HTML form (form-html.ts) and the React island render this table; the zod schema (schema.ts) checks the
 * same names. Browser-safe: no Node imports.
 */
export type FieldName =
  | 'kind'
  | 'about'
  | 'certificateNo'
  | 'agencyId'
  | 'region'
  | 'category'
  | 'when'
  | 'place'
  | 'description'
  | 'evidence'
  | 'name'
  | 'phone'
  | 'email';

/** Attributes as the DOM spells them (the HTML renderer lower-cases them). */
export interface InputRules {
  type?: string;
  maxLength?: number;
  autoComplete?: string;
  spellCheck?: boolean;
  accept?: string;
  multiple?: boolean;
  rows?: number;
}

export interface FieldSpec {
  label: string;
  /** Radios: the question above the choices. */
  legend?: string;
  /** Radios: the choices' words. */
  choices?: Readonly<Record<string, string>>;
  hint?: string;
  rules?: InputRules;
  /** Shown with 可选 after the label. */
  optional?: boolean;
}

const MB = 1048576;

export const kindChoices: Record<(typeof kinds)[number], string> = {
  complaint: '投诉（需留下姓名和电话，会收到办理结果）',
  report: '举报（可以匿名；匿名举报不会收到办理反馈）',
};

export const aboutChoices: Record<(typeof abouts)[number], string> = {
  auxiliary: '一名辅助人员（知道证件编号）',
  unit: '某行政执法机关招用的辅助人员（不知道是谁）',
  agency: '行政执法机关本身（如不公示名单、标识与执法人员无区别）',
  unknownNumber: '对方出示的编号查不到（可能是假证）',
};

export const complaintFields: Record<FieldName, FieldSpec> = {
  kind: { label: '类型', legend: '您要投诉还是举报？', choices: kindChoices },
  about: { label: '反映对象', legend: '反映的是谁？', choices: aboutChoices },
  certificateNo: {
    label: '证件编号',
    hint: '对方证件或胸牌上的编号，也可以粘贴扫描证件二维码得到的链接；选择“一名辅助人员”或“编号查不到”时必填',
    // Room for a pasted QR link or message: the number read from it must fit limits.certificateNoMax (certificate-no.ts).
    rules: { type: 'text', autoComplete: 'off', spellCheck: false, maxLength: MAX_PASTED_LENGTH },
  },
  agencyId: { label: '单位', hint: '招用辅助人员的行政执法机关。不知道是谁、或反映机关本身时必填；编号查不到时填对方自称的单位（可选）' },
  region: { label: '发生地区', hint: '编号查不到、又没有选择单位时必填：转事发地区的司法行政部门处理' },
  category: { label: '问题类别', hint: '分两类：辅助人员本人的行为、执法机关的义务；类别名称是本站对条文的解读，括号内为条款（原文见办法页）' },
  when: { label: '发生时间', hint: '年-月-日，如 2026-05-01', rules: { type: 'date' } },
  place: { label: '发生地点', hint: '如：某路某号门口', rules: { type: 'text', maxLength: limits.placeMax } },
  description: {
    label: '情况描述',
    hint: `${limits.descriptionMin}–${limits.descriptionMax} 字。请写清发生了什么、对方说了什么做了什么`,
    rules: { rows: 8, maxLength: limits.descriptionMax },
  },
  evidence: {
    label: '证据材料',
    optional: true,
    hint: `照片（JPEG、PNG、WebP）或 PDF，最多 ${limits.evidenceFiles} 个，每个不超过 ${limits.evidenceFileBytes / MB} MB，合计不超过 ${limits.evidenceTotalBytes / MB} MB。照片中的拍摄地点等信息会被删除；PDF 按原样转交，其中的作者等信息不删除，匿名举报请改传截图`,
    rules: { type: 'file', multiple: true, accept: 'image/jpeg,image/png,image/webp,application/pdf' },
  },
  name: { label: '您的姓名', rules: { type: 'text', autoComplete: 'name', maxLength: limits.nameMax } },
  phone: { label: '联系电话', rules: { type: 'tel', autoComplete: 'tel', maxLength: 30 } },
  email: { label: '电子邮箱', hint: '填写后会收到确认邮件', rules: { type: 'email', autoComplete: 'email', maxLength: limits.emailMax } },
};

/** The form's other words, shared by both renderers. */
export const formWords = {
  choose: '（请选择）',
  optional: '（可选）',
  unknownNumberUnit: '对方自称的单位（可选）',
  contactLegend: '您的联系方式',
  contactHint:
    '投诉须填写姓名和电话；举报可以不填（匿名）。按本平台规则，您的姓名和联系方式只发给办理机关，不发给被反映的人员或单位，平台要求办理机关保密（这是本平台的规则，不是两部办法的规定）。详见个人信息保护说明（/privacy/）。',
  honeypot: '请勿填写此项',
  errorPrefix: '错误：',
  errorSummary: (n: number) => `提交前请修改以下 ${n} 处问题`,
  /** Added to a refused file's message on the no-JS form: nothing of that post's files was kept. */
  filesAgain: '；所选的文件都没有保存，请重新选择',
  toCheck: '下一步：核对',
  checkTitle: '请核对您填写的内容',
  change: '修改',
  submit: '确认提交',
  sending: '正在提交……',
  notGiven: '（未填）',
  noEvidence: '无',
  keptEvidence: (files: string, until: string) => `已上传：${files}。文件保留至 ${until}；不重新选择就提交这些文件，重新选择则替换。`,
} as const;

/** Evidence files as the check page and the kept-files note list them: `证据1.jpg（120 KB）、证据2.pdf（1.5 MB）`. */
export function describeFiles(files: readonly { name: string; size: number }[]): string {
  const size = (n: number) => (n >= MB ? `${(n / MB).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
  return files.map((f) => `${f.name}（${size(f.size)}）`).join('、');
}

export function fieldLabel(name: string): string {
  return complaintFields[name as FieldName]?.label ?? name;
}

/** The label as a field shows it, with 可选 where the field may stay empty. */
export function shownLabel(name: FieldName): string {
  const f = complaintFields[name];
  return f.optional ? `${f.label}${formWords.optional}` : f.label;
}

/** The confirmation after a submission: the island's and the no-JS page's words. */
export const confirmationWords = {
  title: (kindWord: string) => `您的${kindWord}已提交`,
  reference: '受理编号',
  trackingCode: '查询码（只显示这一次，请抄下或截图保存）',
  handledBy: (agencyName: string) => `已转 ${agencyName} 办理。`,
  /** Followed by a link to /privacy/ (privacyLink) in brackets. */
  confidential: '按本平台规则，您的身份只告知办理机关，平台要求其保密',
  privacyLink: PRIVACY_NOTICE_TITLE,
  /** The acknowledgement is queued (Receipt.ackQueued), not yet sent: the outbox worker sends it. */
  emailQueued: '确认邮件将发往您填写的邮箱。',
  /** Over the address's daily limit no acknowledgement is queued (functions/complaints/ack-quota.ts): never claim one. */
  emailLimit: '今天发往这个邮箱的确认邮件已达上限，这次不再发送；提交不受影响。',
  anonymous: '这是匿名举报：不会收到办理反馈，但可以凭受理编号和查询码查询办理状态。',
  statusLink: '用受理编号和查询码查询办理进度',
  /** What the confirmation says of the acknowledgement: nothing without an e-mail, else queued or over the limit (island and no-JS page alike). */
  ackLine: (emailGiven: boolean, ackQueued: boolean | undefined): string =>
    emailGiven ? (ackQueued ? confirmationWords.emailQueued : confirmationWords.emailLimit) : '',
  /** The status page with the reference filled in (its island reads `ref`); the tracking code never goes in a URL. */
  statusHref: (reference: string) => `/complaint/status/?ref=${encodeURIComponent(reference)}`,
} as const;

/** A category the concerned unit's regulation does not have: said by the island at the check step and by the handler. */
export const categoryMessages = {
  notForUnit: '所选问题类别不适用于该单位所执行的办法，请重新选择（或选“其他”）',
  invalid: '问题类别无效，请重新选择',
} as const;

/** Evidence problems, found by the island before sending and by the handler on what arrived. */
export const evidenceMessages = {
  tooMany: `证据文件最多 ${limits.evidenceFiles} 个`,
  empty: (n: number) => `第 ${n} 个证据文件是空的`,
  /** A phone photo is often larger: the way forward, short (the island bundles this). */
  tooLarge: (n: number) => `第 ${n} 个证据文件超过 ${limits.evidenceFileBytes / MB} MB，可以截图后上传截图，或在手机相册里“编辑/调整大小”后再选`,
  tooLargeTogether: `证据文件合计不能超过 ${limits.evidenceTotalBytes / MB} MB`,
  wrongType: (n: number) => `第 ${n} 个证据文件不是 JPEG、PNG、WebP 图片或 PDF 文件`,
  draftGone: '之前上传的证据文件已超过保留时间、已被删除，请重新选择文件（没有证据也可以不选）',
} as const;
