import { z } from 'zod';
import { isoDate } from '../dates.ts';

/** One quoted provision: an item of a list in an article, quoted exactly, with its article reference. */
export const provisionSchema = z
  .object({
    /** Stable code, unique within the regulation; complaint categories are `<regulation>:<id>`. */
    id: z
      .string({ error: '缺少 id（数字编号请加引号，如 id: "10.1"）' })
      .regex(/^[a-z0-9][a-z0-9.-]*$/, { message: 'id 只能用小写字母、数字、点和连字符' }),
    /** Article reference as printed, e.g. `第十条第（一）项`. */
    article: z.string({ error: '缺少条文序号 article（如 第十条第（一）项）' }).min(1, { message: '条文序号 article 不能为空' }),
    /** The exact words of the regulation. */
    text: z.string({ error: '缺少原文 text' }).min(1, { message: '原文 text 不能为空' }),
    /** Optional plain-language restatement for citizens; the quoted text stays authoritative. */
    plain: z.string({ error: '白话说明 plain 应是文字' }).min(1, { message: '白话说明 plain 不能为空（不写就删去这一行）' }).optional(),
  })
  .strict();

function provisionList(name: string) {
  return z.array(provisionSchema, { error: `${name} 应是条文列表（每项有 id、article、text）` });
}

/** A jurisdiction's rule set (办法) as data: drives the verification page and the complaint categories. */
export const regulationSchema = z
  .object({
    id: z.string({ error: '缺少 id' }).regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'id 只能用小写字母、数字和连字符' }),
    title: z.string({ error: '缺少标题 title' }).min(1, { message: '标题 title 不能为空' }),
    jurisdiction: z.string({ error: '缺少适用地区 jurisdiction' }).min(1, { message: '适用地区 jurisdiction 不能为空' }),
    /** `in-force` for a promulgated measure, `draft` for a consultation draft (征求意见稿). */
    status: z.enum(['in-force', 'draft'], { message: 'status 应为 in-force（已施行）或 draft（征求意见稿）' }),
    /** Legal effect date; absent when the text ties it to an event (e.g. 自印发之日起施行). */
    effectiveDate: isoDate.optional(),
    /** The article that sets the effect date, quoted. */
    effectiveClause: z.string({ error: '缺少施行日期条款 effectiveClause' }).min(1, { message: 'effectiveClause 不能为空' }),
    source: z.string({ error: '缺少出处 source' }).min(1, { message: '出处 source 不能为空' }),
    /** Articles stating that auxiliaries have no enforcement power of their own. */
    noEnforcementPower: provisionList('noEnforcementPower').min(1, { message: 'noEnforcementPower 至少要有一条' }),
    permittedDuties: provisionList('permittedDuties').min(1, { message: 'permittedDuties 至少要有一条' }),
    forbiddenDuties: provisionList('forbiddenDuties').min(1, { message: 'forbiddenDuties 至少要有一条' }),
    prohibitedConduct: provisionList('prohibitedConduct'),
    /** Publication and complaint-channel duties of the agency, quoted. */
    disclosure: provisionList('disclosure').min(1, { message: 'disclosure 至少要有一条' }),
  })
  .strict();

export type Provision = z.infer<typeof provisionSchema>;
export type Regulation = z.infer<typeof regulationSchema>;
