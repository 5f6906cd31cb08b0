import { z } from 'zod';

export const agencyId = z.string({ error: '缺少 id' }).regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'id 只能用小写字母、数字和连字符，且以字母或数字开头' });

/** One entry of `agencies.yaml`: an agency (行政执法机关) or a justice bureau (司法局) that oversees others. */
export const agencySchema = z
  .object({
    id: agencyId,
    name: z.string({ error: '缺少名称 name' }).trim().min(1, { message: '名称 name 不能为空' }),
    region: z.string({ error: '缺少地区 region' }).trim().min(1, { message: '地区 region 不能为空' }),
    regulation: z.string({ error: '缺少适用办法 regulation' }).min(1, { message: '适用办法 regulation 不能为空' }),
    parent: agencyId.optional(),
    oversight: agencyId.optional(),
    complaints: z.object(
      {
        email: z.email({
          error: (issue) => (issue.input === undefined ? '缺少投诉受理邮箱 complaints.email' : '投诉受理邮箱 complaints.email 不是有效的电子邮件地址'),
        }),
      },
      { error: '缺少 complaints.email（投诉受理邮箱）' },
    ),
    /** Where publishing sign-in links go; without it they go to complaints.email. */
    publish: z
      .object(
        {
          email: z.email({
            error: (issue) => (issue.input === undefined ? '缺少名单发布邮箱 publish.email' : '名单发布邮箱 publish.email 不是有效的电子邮件地址'),
          }),
        },
        { error: 'publish 应写成 publish: { email: … }（名单发布邮箱）' },
      )
      .strict()
      .optional(),
    phone: z
      .string({ error: "电话 phone 应写成文字并加引号，例如 phone: '0317-1234567'" })
      .trim()
      .min(1, { message: '电话 phone 不能为空（不填就删去这一行）' })
      .optional(),
    address: z.string({ error: '地址 address 应是文字' }).trim().min(1, { message: '地址 address 不能为空（不填就删去这一行）' }).optional(),
    aliases: z
      .array(z.string({ error: '简称 aliases 的每一项应是文字' }).trim().min(1, { message: '简称 aliases 里有空项' }), {
        error: '简称 aliases 应写成列表，例如 aliases: [城管, 城管局]',
      })
      .optional(),
  })
  .strict();

export type Agency = z.infer<typeof agencySchema>;

export const agencyListSchema = z.array(agencySchema, { error: 'agencies.yaml 应是机关列表' });
