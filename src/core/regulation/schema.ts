import { z } from 'zod';
import { isoDate } from '../dates.ts';

const nonEmpty = (name: string) => z.string({ error: `缺少 ${name}` }).min(1, { message: `${name} 不能为空` });

/**
 * One quoted provision: a whole paragraph, or an item of a list in an article, quoted exactly, with its article
 * reference. Plain-language readings are not kept here but in the one reviewed table, `regulations/readings.yaml`.
 */
export const provisionSchema = z
  .object({
    /** Stable code, unique within the regulation; complaint categories are `<regulation>:<id>`. */
    id: z.string({ error: '缺少 id（数字编号请加引号，如 id: "10.1"）' }).regex(/^[a-z0-9][a-z0-9.-]*$/, { message: 'id 只能用小写字母、数字、点和连字符' }),
    /** Article reference as printed, e.g. `第十条第（一）项`. */
    article: z.string({ error: '缺少条文序号 article（如 第十条第（一）项）' }).min(1, { message: '条文序号 article 不能为空' }),
    /** The exact words of the regulation. */
    text: z.string({ error: '缺少原文 text' }).min(1, { message: '原文 text 不能为空' }),
    /**
     * For an item of a list: the exact words that introduce the list (`行政执法辅助人员不得从事下列工作：`). An
     * item is never shown without them: they are what limits it (`协助行政执法人员承担下列…：4.调查取证`).
     */
    leadIn: z.string({ error: '引语 leadIn 应是文字' }).min(1, { message: '引语 leadIn 不能为空（不是列举项就删去这一行）' }).optional(),
    /** Provisions that pull the other way or limit this one: shown verbatim next to it. */
    seeAlso: z.array(z.string().min(1), { error: 'seeAlso 应是条文 id 列表' }).min(1).optional(),
  })
  .strict();

function provisionList(name: string) {
  return z.array(provisionSchema, { error: `${name} 应是条文列表（每项有 id、article、text）` });
}

/**
 * What the source document says of itself, each piece exactly as printed, and what it does not say. A page shows
 * these and nothing more: an issuing body, number or date the source lacks is never filled in.
 */
export const sourceSchema = z
  .object(
    {
      /** One line naming the document the text comes from, as shown on the regulation's page. */
      description: nonEmpty('出处说明 source.description'),
      /** The body that forwarded (转发) the text, when the text reached us through a forwarding notice. */
      forwardedBy: z.string().min(1).optional(),
      /** The forwarding notice's number (文号) as printed. */
      number: z.string().min(1).optional(),
      /** The date printed on the source (as printed, e.g. `2021年12月8日`). */
      date: z.string().min(1).optional(),
      /** Where in a larger set of papers the text sits (e.g. `附件2`). */
      attachment: z.string().min(1).optional(),
      /** What the source does not give (e.g. 原发布文件, 文号, 日期): said plainly on the regulation's page. */
      notInSource: z
        .array(z.string().min(1), { error: 'source.notInSource 应是列表' })
        .min(1, { message: 'source.notInSource 至少写一项（原文没有给出的信息）' }),
    },
    { error: '缺少出处 source（description、notInSource 等）' },
  )
  .strict();

/** The jurisdiction's own words for things the site says in many places; each must appear in the text. */
export const wordingSchema = z
  .object(
    {
      /** How the text says auxiliaries lack enforcement power (`不具有行政执法资格` / `不具有独立的行政执法资格`). */
      noEnforcementPower: nonEmpty('wording.noEnforcementPower'),
      /** The text's name for the certificate (`辅助行政执法证件`). */
      certificate: nonEmpty('wording.certificate'),
    },
    { error: '缺少用语 wording（noEnforcementPower、certificate）' },
  )
  .strict();

const provisionRef = z.string({ error: '应是条文 id' }).min(1);

/** Which provisions a citizen's complaint may cite, by the party it is aimed at. */
export const complaintCategoriesSchema = z
  .object(
    {
      /** The auxiliary's own conduct (forbidden work, prohibited conduct, duties of the auxiliary). */
      auxiliary: z.array(provisionRef).min(1, { message: 'complaintCategories.auxiliary 至少要有一项' }),
      /** The employing agency's duties (publication, certificates, badges, complaint channel …). */
      agency: z.array(provisionRef).min(1, { message: 'complaintCategories.agency 至少要有一项' }),
    },
    { error: '缺少投诉类别 complaintCategories（auxiliary、agency）' },
  )
  .strict();

/** Provisions each certificate status cites when telling a citizen what to do. */
export const statusArticlesSchema = z
  .object(
    {
      /** Auxiliaries work only with a certificate (持证上岗). */
      certificateRequired: provisionRef,
      /** The certificate is recovered when the holder leaves (absent where the text says nothing). */
      recoveredOnLeaving: provisionRef.optional(),
      /** Acting as an officer is not allowed. */
      posingAsOfficer: provisionRef,
    },
    { error: '缺少状态说明所引条文 statusArticles（certificateRequired、posingAsOfficer）' },
  )
  .strict();

export const regulationListNames = [
  'scope',
  'noEnforcementPower',
  'permittedDuties',
  'forbiddenDuties',
  'prohibitedConduct',
  'auxiliaryDuties',
  'agencyDuties',
] as const;
export type RegulationListName = (typeof regulationListNames)[number];

/** A jurisdiction's rule set (办法) as data: drives the verification page and the complaint categories. */
export const regulationSchema = z
  .object({
    id: z.string({ error: '缺少 id' }).regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'id 只能用小写字母、数字和连字符' }),
    title: z.string({ error: '缺少标题 title' }).min(1, { message: '标题 title 不能为空' }),
    jurisdiction: z.string({ error: '缺少适用地区 jurisdiction' }).min(1, { message: '适用地区 jurisdiction 不能为空' }),
    /** `in-force` for a promulgated measure, `draft` for a consultation draft (征求意见稿, no legal force). */
    status: z.enum(['in-force', 'draft'], { message: 'status 应为 in-force（已施行）或 draft（征求意见稿）' }),
    /** Legal effect date; absent when the text ties it to an event (e.g. 自印发之日起施行). */
    effectiveDate: isoDate.optional(),
    /** The article that sets the effect date, quoted. */
    effectiveClause: z.string({ error: '缺少施行日期条款 effectiveClause' }).min(1, { message: 'effectiveClause 不能为空' }),
    /** Reference of the article quoted as effectiveClause (`第二十九条`). */
    effectiveArticle: nonEmpty('施行日期条款序号 effectiveArticle'),
    source: sourceSchema,
    wording: wordingSchema,
    /** What the text does not cover (police auxiliaries, 辅警): quoted on the not-found pages. */
    scope: provisionList('scope').min(1, { message: 'scope 至少要有一条（如公安机关警务辅助人员不适用的条文）' }),
    /** Articles stating that auxiliaries have no enforcement power of their own. */
    noEnforcementPower: provisionList('noEnforcementPower').min(1, { message: 'noEnforcementPower 至少要有一条' }),
    permittedDuties: provisionList('permittedDuties').min(1, { message: 'permittedDuties 至少要有一条' }),
    forbiddenDuties: provisionList('forbiddenDuties').min(1, { message: 'forbiddenDuties 至少要有一条' }),
    prohibitedConduct: provisionList('prohibitedConduct'),
    /** What the auxiliary must do (持证上岗, 服从指挥 …). */
    auxiliaryDuties: provisionList('auxiliaryDuties').min(1, { message: 'auxiliaryDuties 至少要有一条' }),
    /** The employing agency's duties: publication, lookup, certificates, badges, complaint channel, recovery. */
    agencyDuties: provisionList('agencyDuties').min(1, { message: 'agencyDuties 至少要有一条' }),
    complaintCategories: complaintCategoriesSchema,
    statusArticles: statusArticlesSchema,
  })
  .strict();

type ProvisionData = z.infer<typeof provisionSchema>;
/** A provision as loaded: with its reading from the reviewed table, when the table has one. */
export type Provision = ProvisionData & { reading?: string };
type RegulationData = z.infer<typeof regulationSchema>;
export type Regulation = Omit<RegulationData, RegulationListName> & { [K in RegulationListName]: Provision[] };

/** One row of the reviewed readings table: a provision, its exact words, and the site's plain-language reading. */
export const readingRowSchema = z
  .object({
    regulation: nonEmpty('办法 regulation'),
    article: nonEmpty('条文序号 article'),
    text: nonEmpty('原文 text'),
    reading: nonEmpty('解读 reading'),
  })
  .strict();
export const readingsTableSchema = z.array(readingRowSchema, { error: 'readings.yaml 应是列表（每行有 regulation、article、text、reading）' });
export type ReadingRow = z.infer<typeof readingRowSchema>;
