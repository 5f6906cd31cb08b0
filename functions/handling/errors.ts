import type { ErrorData } from '../../src/core/error-data.ts';
import { intakeErrors } from '../complaints/errors.ts';
import { crossSiteRefusal } from '../server/cross-site.ts';

/**
 * What an agency's handler or a complainant is told when the handling loop cannot go on: refused action links
 * (malformed, tampered, used, expired, superseded), a complaint in the wrong state, a refused transfer, a refused
 * re-routing by a justice bureau (reroute.ts), and a failed status lookup. One entry each, in the shape of the intake's catalogue (functions/complaints/errors.ts).
 * Field-level messages of the action forms stay with their schema in actions.ts.
 */
export const handlingErrors = {
  /** An action or fresh-links post from a page of another site (functions/server/cross-site.ts). */
  CrossSite: crossSiteRefusal,
  RefusalTitle: { name: 'RefusalTitle', title: '无法办理', message: '无法办理' },
  LookupFailedTitle: { name: 'LookupFailedTitle', title: '查询失败', message: '查询失败' },
  HandlingMethodNotAllowed: { name: 'HandlingMethodNotAllowed', title: '请求方式不对', message: '只接受 GET 和 POST。' },
  LinkMalformed: {
    name: 'LinkMalformed',
    title: '链接不完整',
    message: '链接不完整或格式不正确，',
    hint: '请从邮件中完整复制链接。',
  },
  LinkBadSignature: {
    name: 'LinkBadSignature',
    title: '链接签名无效',
    // Also what an unchanged link answers once the key that signed it is no longer accepted (docs/SECURITY.md).
    message: (freshLinksTitle: string, freshLinksPath: string) =>
      '链接签名无效：链接可能被修改过，或本平台已更换签名密钥、此前发出的链接已停用。请使用邮件中的原始链接；原始链接也是这样提示的，' +
      `办理机关可在“${freshLinksTitle}”页面（${freshLinksPath}）凭受理编号和本机关登记的邮箱申请新链接（司法局的“指定办理机关”链接随下一份每日汇总邮件重新发出）。`,
  },
  LinkExpired: {
    name: 'LinkExpired',
    title: '链接已过期',
    message: (when: string, freshLinksTitle: string, freshLinksPath: string) =>
      `链接已于 ${when} 过期。办理机关可在“${freshLinksTitle}”页面（${freshLinksPath}）凭受理编号和本机关登记的邮箱申请新链接。`,
  },
  // Names the status only (never the contents): after Back and a second post, the handler learns what the first did.
  LinkUsed: {
    name: 'LinkUsed',
    title: '链接已使用',
    message: (status: string) => `此链接已经使用过：该件目前的状态是“${status}”。每个链接只能使用一次。`,
  },
  LinkSuperseded: {
    name: 'LinkSuperseded',
    title: '链接已失效',
    message: '该件在此链接发出后已转办过，此链接已失效；',
    hint: '请使用最近一封邮件中的链接。',
  },
  TransferredAway: {
    name: 'TransferredAway',
    title: '链接已失效',
    message: (agencyName: string) => `该件已转由${agencyName}办理，发给原办理机关的链接已失效。`,
  },
  ComplaintNotFound: { name: 'ComplaintNotFound', title: '未找到', message: (reference: string) => `未找到受理编号 ${reference}。` },
  Purged: {
    name: 'Purged',
    title: '个人信息已删除',
    message: (status: string, when: string) =>
      `该件（${status}）已超过个人信息保存期限，投诉人的个人信息和投诉内容已于 ${when} 删除，不能再通过本平台办理或指定办理机关。`,
    hint: '如有疑问，请联系本平台运营方。',
  },
  AgencyGone: { name: 'AgencyGone', title: '机关已不在名录中', message: '此链接所属的机关已不在机关名录中。' },
  Finished: {
    name: 'Finished',
    title: '办理已结束',
    message: (status: string, action: string) => `该件办理已结束（${status}），不能再${action}。`,
  },
  WrongState: {
    name: 'WrongState',
    title: '当前状态不能这样办理',
    message: (status: string, action: string, possible: string) => `该件当前状态为“${status}”，不能${action}（当前可以：${possible}）。`,
  },
  Conflict: {
    name: 'Conflict',
    title: '该件刚刚更新',
    message: '该件刚刚被其他操作更新，',
    hint: '请刷新页面后重试。',
  },
  TransferUnknown: {
    name: 'TransferUnknown',
    title: '转办机关不在名录中',
    message: (name: string) => `转办机关“${name}”不在机关名录中，`,
    hint: '请从列表中选择。',
  },
  TransferToSelf: { name: 'TransferToSelf', title: '不能转办给本机关', message: '不能转办给本机关，', hint: '请选择其他机关。' },
  TransferToAccused: {
    name: 'TransferToAccused',
    title: '不能转交被反映机关',
    message: (name: string) => `该件反映的正是${name}本身，不能转交被反映机关自己办理。`,
  },
  TransferToAccusedChild: {
    name: 'TransferToAccusedChild',
    title: '不能转交被反映机关的下属机关',
    message: (name: string, accused: string) => `${name}隶属于被反映的${accused}，不能转交被反映机关或其下属机关办理。`,
  },
  RerouteUsed: {
    name: 'RerouteUsed',
    title: '链接已使用',
    message: '此链接已经使用过：该件已按此前的指定转交办理，不能再次指定。',
  },
  RerouteMoved: {
    name: 'RerouteMoved',
    title: '链接已失效',
    message: (agencyName: string) => `该件在此链接发出后已改由${agencyName}办理，不需要再指定办理机关；此链接已失效。`,
  },
  RerouteFinished: {
    name: 'RerouteFinished',
    title: '办理已结束',
    message: (status: string) => `该件办理已结束（${status}），不能再指定办理机关。`,
  },
  RerouteAgencyBack: {
    name: 'RerouteAgencyBack',
    title: '办理机关仍在名录中',
    message: (agencyName: string) => `该件的办理机关${agencyName}目前在机关名录中，仍由其办理，不需要指定办理机关。`,
  },
  RerouteNotForBureau: {
    name: 'RerouteNotForBureau',
    title: '无权指定办理机关',
    message: (bureaus: string) =>
      bureaus
        ? `按目前的机关名录，该件由${bureaus}指定办理机关；此链接所属的机关不能为其指定。`
        : '按目前的机关名录，平台找不到可为该件指定办理机关的司法行政部门，此链接不能使用；请联系本平台运营方。',
  },
  StatusBadReference: {
    name: 'StatusBadReference',
    title: intakeErrors.BadReference.title,
    message: `${intakeErrors.BadReference.message}。`,
  },
  StatusNoCode: { name: 'StatusNoCode', title: intakeErrors.NoTrackingCode.title, message: '请填写查询码。' },
  StatusNotFound: {
    name: 'StatusNotFound',
    title: '受理编号或查询码不正确',
    message: '受理编号或查询码不正确，',
    hint: '请核对后重试。',
  },
  StatusMethodNotAllowed: { name: 'StatusMethodNotAllowed', title: '请求方式不对', message: '请从“查询办理进度”页面提交。' },
  StatusFormOnly: { name: 'StatusFormOnly', title: '提交方式不对', message: '只接受网页表单提交。' },
  StatusTooLong: { name: 'StatusTooLong', title: '提交内容过长', message: '提交内容过长。' },
} as const satisfies Record<string, ErrorData>;
