import type { Agency } from '../../src/core/registry/schema.ts';
import { formatDateTime } from '../../src/core/dates.ts';
import { composeMail, SENT_BY, statusLine, type ActionLink, type ComposedMail, type MailRow } from '../mail/compose.ts';
import type { Directory } from '../../src/core/directory.ts';
import { categoriesOf } from '../../src/core/directory.ts';
import type { Contents, Target } from '../store/records/shapes.ts';
import { kindLabels } from '../../src/core/complaint/schema.ts';

/** The private part of a complaint as stored in `complaints.contents`. */

export interface ComplaintForMail {
  reference: string;
  kind: 'complaint' | 'report';
  category: string;
  target: Target;
  contents: Contents;
  createdAt: string;
  acceptDueAt: string | null;
  /** What the deadlines rest on (the platform's own time limit, or the adopting document); shown with them. */
  timeLimit: string;
  routeReason: string;
  /** The agency that transferred it here (handling/routing.ts); absent for a new submission. */
  transferredBy?: string;
}

export function categoryLabel(code: string, directory: Directory): string {
  const regulationId = code.includes(':') ? code.split(':')[0]! : undefined;
  const found = categoriesOf(regulationId ? directory.regulation(regulationId) : undefined).find((c) => c.code === code);
  return found?.label ?? '其他';
}

export function describeTarget(target: Target, directory: Directory): string {
  const agencyName = (id: string | undefined) => (id ? (directory.agency(id)?.name ?? id) : '未说明单位');
  switch (target.about) {
    case 'auxiliary':
      return `辅助人员 ${target.name}（证件编号 ${target.certificateNo}，${agencyName(target.agencyId)}）`;
    case 'unit':
      return `${agencyName(target.agencyId)}招用的辅助人员（身份不明）`;
    case 'agency':
      return `${agencyName(target.agencyId)}（机关本身）`;
    case 'unknownNumber':
      return `出示编号 ${target.certificateNo} 的人员（该编号不在公示名单中；自称单位：${agencyName(target.agencyId)}${target.region ? `；发生地区：${target.region}` : ''}）`;
  }
}

const shanghai = (iso: string) => `${formatDateTime(iso)}（北京时间）`;

/** The e-mail to the handling agency: everything needed to handle it, and the confidentiality duty. */
export function agencyMail(
  c: ComplaintForMail,
  agency: Agency,
  directory: Directory,
  links: { links: ActionLink[]; validity: string } = { links: [], validity: '' },
): ComposedMail {
  const who = c.contents.complainant;
  const rows: MailRow[] = [
    ['受理编号', c.reference],
    ['类型', kindLabels[c.kind]],
    ['反映对象', describeTarget(c.target, directory)],
    ['问题类别', categoryLabel(c.category, directory)],
    ['发生时间', c.contents.when],
    ['发生地点', c.contents.place],
    ['情况描述', c.contents.description],
    ['证据材料', c.contents.evidence.length ? `${c.contents.evidence.length} 个文件（见附件；太大无法随邮件发送的，见邮件末尾的下载链接）` : '无'],
    ['反映人', who.name ?? '匿名'],
    ['联系电话', who.phone ?? '未提供'],
    ['电子邮箱', who.email ?? '未提供'],
    ['提交时间', shanghai(c.createdAt)],
    ['分派理由', c.routeReason],
  ];
  if (c.acceptDueAt) rows.push(['受理期限', `请于 ${shanghai(c.acceptDueAt)} 前决定是否受理`], ['时限说明', c.timeLimit]);
  return composeMail({
    subject: `【${c.transferredBy ? '转办' : kindLabels[c.kind]}】${c.reference} 关于${describeTarget(c.target, directory)}`,
    // Who sends it here is the platform's routing rule or another agency's transfer, never a provision of the law.
    intro: [
      `${agency.name}：`,
      c.transferredBy
        ? `${c.transferredBy}将一件${kindLabels[c.kind]}转贵单位办理（转办理由见下方“分派理由”）。`
        : `公示平台收到一件${kindLabels[c.kind]}，按本平台的分派规则交贵单位办理（见下方“分派理由”）。`,
    ],
    notice:
      '本平台规则：请对反映人的身份和联系方式严格保密，不得向被投诉、被举报的人员或单位透露，不得转交其本人处理。（这是本平台的规则；两部办法未作规定。处理个人信息须遵守《中华人民共和国个人信息保护法》。）',
    rows,
    actionLinks: links.links,
    outro: [...(links.validity ? [links.validity] : []), SENT_BY],
  });
}

/**
 * A name fit to greet an address nobody has verified: letters of any script, spaces, ·, ' and -, at most 50. No
 * digits, dots, slashes, colons or @, so no URL or domain name can ride along — the form accepts any address, and the
 * acknowledgement must not become a way to send a stranger a link in the site's name. Otherwise: no name at all.
 */
const PLAIN_NAME = /^[\p{L}\p{M}][\p{L}\p{M} ·'-]{0,49}$/u;
export function greetingName(name: string | undefined): string | undefined {
  return name && PLAIN_NAME.test(name) ? name : undefined;
}

/**
 * The acknowledgement to the complainant: the reference and what happens next, not the tracking code. It goes to
 * an unverified address, so it carries nothing the submitter typed except a plain name (greetingName).
 */
export function acknowledgementMail(c: ComplaintForMail, agency: Agency, siteUrl: string): ComposedMail {
  return composeMail({
    subject: `已收到您的${kindLabels[c.kind]}（受理编号 ${c.reference}）`,
    intro: [`${greetingName(c.contents.complainant.name) ?? '您好'}：`, `我们已收到您的${kindLabels[c.kind]}，并已转${agency.name}办理。`],
    rows: [
      ['受理编号', c.reference],
      ['反映对象', '已记录'],
      ['提交时间', shanghai(c.createdAt)],
      ['办理机关', agency.name],
      ...(c.acceptDueAt
        ? ([
            ['受理期限', `${shanghai(c.acceptDueAt)} 前决定是否受理`],
            ['时限说明', c.timeLimit],
          ] as MailRow[])
        : []),
    ],
    outro: [statusLine(siteUrl), `您的个人信息如何使用、保存多久：${siteUrl}/privacy/`, '如非本人提交，请忽略此邮件。'],
  });
}
