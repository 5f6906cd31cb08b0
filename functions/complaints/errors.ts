import { answerMessages } from '../../src/core/complaint/rules.ts';

/**
 * The complaint intake's request-level errors, one entry each (model: Astro's errors-data.ts): `name` for code and
 * logs, `title` for a page heading, `message` for the person, `hint` on what to do. Field-level messages come from
 * the form's schema and field table (src/core/complaint/).
 */
export interface IntakeError {
  name: string;
  title: string;
  message: string;
  hint?: string;
}

export const intakeErrors = {
  MethodNotAllowed: { name: 'MethodNotAllowed', title: '请求方式不对', message: '只接受 POST 提交' },
  StatusMethodNotAllowed: { name: 'StatusMethodNotAllowed', title: '请求方式不对', message: '只接受 GET' },
  RateLimited: { name: 'RateLimited', title: '提交太频繁', message: '提交太频繁，请稍后再试', hint: '一分钟后再提交' },
  StoreUnavailable: {
    name: 'StoreUnavailable',
    title: '暂时无法保存',
    message: '暂时无法保存，您的投诉没有提交成功，请稍后再试',
    hint: '半分钟后再点提交；不会重复提交',
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
  BadReference: { name: 'BadReference', title: '受理编号有误', message: '受理编号格式不对，应像 TS-7K3M-9QX2' },
  NoTrackingCode: { name: 'NoTrackingCode', title: '缺少查询码', message: '请提供查询码' },
} as const satisfies Record<string, IntakeError>;
