import type { ErrorData } from '../../src/core/error-data.ts';
import { answerMessages } from '../../src/core/complaint/rules.ts';
import { crossSiteRefusal } from '../server/cross-site.ts';

/**
 * The complaint intake's request-level errors, one entry each (model: Astro's errors-data.ts): `name` for code and
 * logs, `title` for a page heading, `message` for the person, `hint` on what to do. Field-level messages come from
 * the form's schema and field table (src/core/complaint/).
 */
export type IntakeError = ErrorData;

export const intakeErrors = {
  /** A post from a page of another site (functions/server/cross-site.ts). */
  CrossSite: crossSiteRefusal,
  MethodNotAllowed: { name: 'MethodNotAllowed', title: '请求方式不对', message: '只接受 POST 提交' },
  StatusMethodNotAllowed: { name: 'StatusMethodNotAllowed', title: '请求方式不对', message: '只接受 GET' },
  RateLimited: { name: 'RateLimited', title: '提交太频繁', message: '提交太频繁，请稍后再试', hint: '一分钟后再提交' },
  StoreUnavailable: {
    name: 'StoreUnavailable',
    title: '暂时无法保存',
    message: '暂时无法保存，您的投诉没有提交成功，请稍后再试',
    hint: '半分钟后再点提交；不会重复提交',
  },
  SubmitFailed: {
    name: 'SubmitFailed',
    title: '提交没有成功',
    message: '提交没有成功：系统出现意外错误，您的投诉没有保存。',
    hint: '请稍后再试；如仍不成功，请改用电话或信件反映。我们已记录这次错误。',
  },
  Honeypot: { name: 'Honeypot', title: '无法提交', message: '无法提交：请不要填写隐藏的“请勿填写此项”栏' },
  ProofOfWorkMissing: {
    name: 'ProofOfWorkMissing',
    title: '无法提交',
    message: '缺少有效的工作量证明，请在浏览器中打开表单并启用 JavaScript 后提交',
  },
  WhenInFuture: { name: 'WhenInFuture', title: '发生时间有误', message: answerMessages.whenInFuture },
  IdempotencyConflict: {
    name: 'IdempotencyConflict',
    title: '无法提交',
    message: '这个提交标识已经用于另一份内容不同的提交，本次没有保存。如果您要提交一件新的投诉或举报，请重新打开表单填写。',
  },
  EvidenceDamaged: {
    name: 'EvidenceDamaged',
    title: '证据文件无法读取',
    message: (n: number) => `第 ${n} 个证据文件已损坏或不完整，无法作为图片读取，请换一个文件（没有证据也可以不选）`,
  },
  BadReference: { name: 'BadReference', title: '受理编号有误', message: '受理编号格式不对，应像 TS-7K3M-9QX2' },
  NoTrackingCode: { name: 'NoTrackingCode', title: '缺少查询码', message: '请提供查询码' },
  UnsupportedMediaType: {
    name: 'UnsupportedMediaType',
    title: '提交格式不对',
    message: '只接受 application/json、application/x-www-form-urlencoded 或 multipart/form-data 格式的提交',
  },
  BodyTooLarge: { name: 'BodyTooLarge', title: '提交内容太大', message: (kilobytes: number) => `提交内容太大（上限 ${kilobytes} KB）` },
  BadFormData: { name: 'BadFormData', title: '表单数据格式错误', message: '表单数据格式错误，无法读取' },
  FileInTextField: { name: 'FileInTextField', title: '字段不接受文件', message: (field: string) => `字段 ${field} 不接受文件` },
  FormTooManyParts: {
    name: 'FormTooManyParts',
    title: '表单项太多',
    message: (max: number) => `表单项太多（一次最多 ${max} 项），本次提交没有读取`,
    hint: '请用本站页面上的表单提交',
  },
  FormFieldTooLarge: {
    name: 'FormFieldTooLarge',
    title: '字段内容太长',
    message: (field: string, kilobytes: number) => `字段 ${field} 的内容太长（上限 ${kilobytes} KB）`,
  },
  FormPartUnnamed: { name: 'FormPartUnnamed', title: '表单数据格式错误', message: '表单数据中有一项没有名称或名称太长，无法读取' },
  FormPartNested: { name: 'FormPartNested', title: '表单数据格式错误', message: '表单数据中不能再嵌套多部分（multipart）内容' },
  BodyNotUtf8: { name: 'BodyNotUtf8', title: '编码不对', message: '提交内容不是有效的 UTF-8 编码' },
  BodyNotJson: { name: 'BodyNotJson', title: '格式不对', message: '提交内容不是有效的 JSON' },
  BodyNotObject: { name: 'BodyNotObject', title: '格式不对', message: '提交内容应是一个 JSON 对象' },
  EvidenceMethodNotAllowed: { name: 'EvidenceMethodNotAllowed', title: '请求方式不对', message: '只接受 GET。' },
  EvidenceLinkInvalid: {
    name: 'EvidenceLinkInvalid',
    title: '下载链接无效',
    message: (freshLinksTitle: string, freshLinksPath: string) =>
      '下载链接无效：链接可能不完整、被修改过，或本平台已更换签名密钥、此前发出的链接已停用。请使用邮件中的原始链接；原始链接也是这样提示的，' +
      `办理机关可在“${freshLinksTitle}”页面（${freshLinksPath}）凭受理编号和本机关登记的邮箱申请新的办理链接，新邮件附有证据文件的新下载链接。`,
  },
  EvidenceGone: { name: 'EvidenceGone', title: '证据文件已不存在', message: '该证据文件已不存在（投诉记录已按本平台的保存期限删除）。' },
  EvidenceTransferred: { name: 'EvidenceTransferred', title: '下载链接已失效', message: '该件已转由其他机关办理，此下载链接已失效。' },
  EvidenceLinkExpired: {
    name: 'EvidenceLinkExpired',
    title: '下载链接已失效',
    message: (day: string) => `下载链接已于 ${day} 失效（办理期限后 30 天）。`,
    hint: '如仍需要该证据文件，请向上级机关或司法局申请。',
  },
} as const satisfies Record<string, IntakeError>;
