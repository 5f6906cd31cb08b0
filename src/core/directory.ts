import { z } from 'zod';
import { agencySchema, type Agency } from './registry/schema.ts';
import { complaintCategories } from './regulation/categories.ts';
import { regulationSchema, type Regulation } from './regulation/schema.ts';
import { statusValues, type Auxiliary, type AuxiliaryStatus } from './roster/schema.ts';
import { holidaysSchema, type Holidays } from './holidays.ts';
import { DEFAULT_POLICY, policySchema, type Policy } from './policy/schema.ts';
import { disclosureOf } from './policy/disclosure.ts';
import { NAME_WITHHELD } from './labels.ts';
import { certificateLookupKey } from './text.ts';
import { isoDate, isRealIsoDate } from './dates.ts';
import { OTHER_CATEGORY, type CategoryOption } from './complaint/schema.ts';

/**
 * The directory file: what the build hands the functions, so that they never parse rosters. One JSON file in
 * the build output, read whole at start and again when a new build replaces it. `version` changes whenever the
 * shape does; a reader refuses any version it does not know rather than guess.
 */
export const DIRECTORY_FORMAT = 'gongshi-directory';
/** 3: `certificates.statuses` added. 4: `workspaceVersions` added. 5: `certificates.validUntil` and `certificates.posts` added. */
export const DIRECTORY_VERSION = 5;
/**
 * The versions this code reads: a version 2 file (before statuses) is read with every status unknown, a version 2
 * or 3 file (before workspaceVersions) with the workspace versions it was built from unknown, a file before version
 * 5 with no validity dates and no posts (olderDirectoryNote says what that costs).
 */
export const DIRECTORY_READABLE_VERSIONS: readonly number[] = [2, 3, 4, DIRECTORY_VERSION];

/** What a readable file of an older version lacks that the functions use, for the line they log on reading it; undefined for the current one. */
export function olderDirectoryNote(version: number): string | undefined {
  if (version >= DIRECTORY_VERSION) return undefined;
  return (
    `目录文件是较早的构建写的（格式版本 ${version}，现为 ${DIRECTORY_VERSION}），没有证件的有效期至和岗位：` +
    '未启用 JavaScript 的搜索页会把已过有效期的证件显示为有效，也不能按岗位查找。重新运行 npm run build 即可'
  );
}
/**
 * The build output's folder for the functions only. Not part of the site: it holds the agencies' complaint
 * mailboxes, which no page shows, so static hosting must not serve it (the Node server refuses it; Netlify's
 * `_redirects` answers 404).
 */
export const FUNCTIONS_ONLY_DIR = '_functions';
/** Relative to the build output folder. */
export const DIRECTORY_FILE = `${FUNCTIONS_ONLY_DIR}/directory.json`;

/** A regulation as the functions use it: the complaint categories it defines (deadlines are policy, not here). */
const directoryRegulationSchema = z
  .object({
    id: regulationSchema.shape.id,
    title: regulationSchema.shape.title,
    status: regulationSchema.shape.status,
    /** Its complaint categories (complaintCategories), aimed at the auxiliary or the agency; `其他` is not listed (every regulation has it). */
    categories: z.array(z.object({ code: z.string().min(1), label: z.string().min(1), target: z.enum(['auxiliary', 'agency']) }).strict()),
    /**
     * What the text does not cover (police auxiliaries, 辅警), quoted verbatim with its article: the functions'
     * not-found answer quotes it as the built pages do. Absent from files written before it was added (read as none).
     */
    scope: z.array(z.object({ article: z.string().min(1), text: z.string().min(1) }).strict()).default([]),
  })
  .strict();

type NotActive = Exclude<AuxiliaryStatus, 'active'>;
const NOT_ACTIVE: ReadonlySet<unknown> = new Set(statusValues.filter((s) => s !== 'active'));

/**
 * Sparse, beside the certificate columns: the published status of each certificate that is not 在岗, with its date
 * when the roster gives one (null when not) — what its verify page shows; a row not listed is active. Only these two
 * fields: nothing the pages do not show. The workspace diffs an agency's first upload against them (a Git roster).
 */
const directoryStatusesSchema = z
  .object({
    /** Indices into the certificate columns, ascending. */
    rows: indices('rows', '行号'),
    status: z.custom<NotActive[]>((v) => Array.isArray(v) && v.every((s) => NOT_ACTIVE.has(s)), {
      message: `status 应是 ${[...NOT_ACTIVE].join('、')} 之一的列表`,
    }),
    since: z.custom<(string | null)[]>((v) => Array.isArray(v) && v.every((s) => s === null || (typeof s === 'string' && isRealIsoDate(s))), {
      message: 'since 应是 YYYY-MM-DD 日期或 null 的列表',
    }),
  })
  .strict();

/**
 * A column of few distinct values (posts, dates) as a shared table: `list` holds each value once (the commonest
 * first, so that the commonest index is the shortest), `of` the index of each certificate's value, null when it has
 * none. At 100,000 people a post written out each time would be most of the column.
 */
const sharedColumnSchema = (name: string, what: string, valid: (value: unknown) => boolean) =>
  z
    .object({
      list: z.custom<string[]>((v) => Array.isArray(v) && v.every(valid), { message: `${name}.list 应是${what}的列表` }),
      of: z.custom<(number | null)[]>((v) => Array.isArray(v) && v.every((n) => n === null || (Number.isInteger(n) && n >= 0)), {
        message: `${name}.of 应是序号（非负整数）或 null 的列表`,
      }),
    })
    .strict();

/** The part every version keeps, read first so that another version is named rather than misread. */
export const directoryHeaderSchema = z.object({ format: z.literal(DIRECTORY_FORMAT), version: z.number().int() });

export const directoryFileSchema = z
  .object({
    format: z.literal(DIRECTORY_FORMAT),
    version: z.union([z.literal(2), z.literal(3), z.literal(4), z.literal(DIRECTORY_VERSION)]),
    /** When the build that wrote it ran (ISO 8601). */
    builtAt: z.iso.datetime(),
    /**
     * The workspace versions the build read as published (`roster_versions.id`, sorted; empty when it read none or
     * no store): a server compares them with the store's to notice a version published through another server
     * (functions/publish/store-watch.ts). Absent from files written before version 4: not known.
     */
    workspaceVersions: z.array(z.string().min(1)).optional(),
    agencies: z.array(agencySchema),
    regulations: z.array(directoryRegulationSchema),
    holidays: holidaysSchema,
    /** The deployment's policy (policy.yaml): deadlines, reminders, retention. */
    policy: policySchema.default(DEFAULT_POLICY),
    /** Each agency's roster date (YYYY-MM-DD): the date its published roster was issued or last updated. */
    rosterDates: z.record(z.string(), isoDate).default({}),
    /**
     * The published certificates as columns of one table (row i of each is one certificate): a number as typed is
     * found by binary search over `keys`, so a reader builds no index of 100,000 entries before its first answer.
     */
    certificates: z
      .object({
        /** certificateLookupKey of each number, sorted in code-unit order, each once. */
        keys: nonEmptyStrings('keys'),
        /** The certificate number as published. */
        numbers: nonEmptyStrings('numbers'),
        names: nonEmptyStrings('names'),
        /** Index of the employing agency in `agencies`. */
        agencies: indices('agencies', '机关序号'),
        /** Absent from version 2 files: every status unknown. */
        statuses: directoryStatusesSchema.optional(),
        /**
         * The 有效期至 of each 在岗 certificate that has one (null for the rest): the functions' search page decides on
         * the day it answers whether it is past (已过有效期), as /expiry.js does on a verify page. Published on every
         * verify page (platform policy, src/core/policy/disclosure.ts). Absent before version 5, or when no one has one.
         */
        validUntil: sharedColumnSchema('validUntil', ' YYYY-MM-DD 日期', (d) => typeof d === 'string' && isRealIsoDate(d)).optional(),
        /**
         * Each person's post (岗位), only where policy.yaml publishes posts (off by default) and only for names still
         * published: the search page without JavaScript finds people by post, as the script does. Absent otherwise.
         */
        posts: sharedColumnSchema('posts', '非空文字', (p) => typeof p === 'string' && p.length > 0).optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((file, ctx) => {
    const regulationIds = new Set(file.regulations.map((r) => r.id));
    file.agencies.forEach((a, i) => {
      if (!regulationIds.has(a.regulation))
        ctx.addIssue({ code: 'custom', path: ['agencies', i, 'regulation'], message: `办法 ${a.regulation} 不在 regulations 中` });
    });
    const { keys, numbers, names, agencies } = file.certificates;
    for (const [name, column] of [
      ['numbers', numbers],
      ['names', names],
      ['agencies', agencies],
    ] as const) {
      if (column.length !== keys.length)
        ctx.addIssue({ code: 'custom', path: ['certificates', name], message: `有 ${column.length} 项，应与 keys 一样有 ${keys.length} 项` });
    }
    for (let i = 1; i < keys.length; i++) {
      if (!(keys[i - 1]! < keys[i]!)) {
        ctx.addIssue({ code: 'custom', path: ['certificates', 'keys', i], message: `未按顺序排列或重复（${keys[i]}）` });
        break;
      }
    }
    const bad = agencies.findIndex((n) => n >= file.agencies.length);
    if (bad >= 0) ctx.addIssue({ code: 'custom', path: ['certificates', 'agencies', bad], message: `机关序号 ${agencies[bad]} 超出 agencies 的范围` });
    for (const name of ['validUntil', 'posts'] as const) {
      const column = file.certificates[name];
      if (!column) continue;
      if (column.of.length !== keys.length)
        ctx.addIssue({ code: 'custom', path: ['certificates', name, 'of'], message: `有 ${column.of.length} 项，应与 keys 一样有 ${keys.length} 项` });
      const outside = column.of.findIndex((n) => n !== null && n >= column.list.length);
      if (outside >= 0)
        ctx.addIssue({ code: 'custom', path: ['certificates', name, 'of', outside], message: `序号 ${column.of[outside]} 超出 ${name}.list 的范围` });
    }
    const statuses = file.certificates.statuses;
    if (!statuses) return;
    for (const name of ['status', 'since'] as const) {
      if (statuses[name].length !== statuses.rows.length)
        ctx.addIssue({
          code: 'custom',
          path: ['certificates', 'statuses', name],
          message: `有 ${statuses[name].length} 项，应与 rows 一样有 ${statuses.rows.length} 项`,
        });
    }
    const row = statuses.rows.findIndex((r, i) => r >= keys.length || (i > 0 && r <= statuses.rows[i - 1]!));
    if (row >= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['certificates', 'statuses', 'rows', row],
        message: `行号 ${statuses.rows[row]} 未按顺序排列、重复或超出 keys 的范围`,
      });
  });

/** A long column checked in one loop: zod's per-element parsing of 100,000 strings costs more than reading the file. */
function nonEmptyStrings(name: string) {
  return z.custom<string[]>((v) => Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0), { message: `${name} 应是非空文字的列表` });
}

function indices(name: string, what: string) {
  return z.custom<number[]>((v) => Array.isArray(v) && v.every((n) => Number.isInteger(n) && n >= 0), { message: `${name} 应是${what}（非负整数）的列表` });
}

export type DirectoryFile = z.infer<typeof directoryFileSchema>;
export type DirectoryRegulation = DirectoryFile['regulations'][number];

/** What routing and the complaint form's checks need to know of one auxiliary. */
export type DirectoryEntry = Pick<Auxiliary, 'certificateNo' | 'name' | 'agencyId'>;

/** A certificate's status as the site publishes it, with its date when the roster gives one. */
export type PublishedStatus = Pick<Auxiliary, 'status' | 'statusSince'>;

/** What the functions know about the published world: agencies, their regulations' categories, the roster. */
export interface Directory {
  /** When the build that produced it ran; undefined for a directory made in memory. */
  readonly builtAt: string | undefined;
  /** The file's format version (an older one lacks fields: olderDirectoryNote). */
  readonly version?: number;
  /**
   * The ids of the workspace versions (roster_versions) the build published, sorted; undefined when not known (a
   * file written before version 4, a directory made in memory).
   */
  readonly workspaceVersions?: readonly string[] | undefined;
  agency(id: string): Agency | undefined;
  readonly agencies: readonly Agency[];
  regulation(id: string): DirectoryRegulation | undefined;
  /** Every regulation of the content folder, in its order (the not-found answer quotes each one's scope). */
  readonly regulations: readonly DirectoryRegulation[];
  /** Finds an auxiliary by a number as typed (full-width, lower-case, missing dashes all accepted). */
  auxiliary(certificateNo: string): DirectoryEntry | undefined;
  /** The published status of a number as typed; undefined when it is not published or the file does not say (version 2). */
  publishedStatus(certificateNo: string): PublishedStatus | undefined;
  /** The public holidays and make-up working days of the content folder. */
  readonly holidays: Holidays;
  /** The deployment's policy (policy.yaml). */
  readonly policy: Policy;
  /** The date the agency's published roster is current as of, if it has one. */
  rosterDate(agencyId: string): string | undefined;
  /** Every published number with its lookup key, name and agency ("您是不是要找" suggestions, the no-JS name search). */
  certificates(): Iterable<ListedCertificate>;
}

/** One published certificate as the lookup's suggestions and the no-JS name search need it. */
export interface ListedCertificate {
  certificateNo: string;
  lookupKey: string;
  agencyId: string;
  /** As published: NAME_WITHHELD past the retention period (src/build/directory/write.ts). */
  name: string;
  /** The roster's status; absent when the file does not say (version 2). */
  status?: AuxiliaryStatus;
  /** The 有效期至 of an active certificate (version 5): shownStatus turns it 已过有效期 once past. */
  validUntil?: string;
  /** The post, where policy.yaml publishes posts (version 5). */
  post?: string;
}

/** The directory file of a site's published data (what the build writes). */
export function directoryFileOf(input: {
  agencies: readonly Agency[];
  regulations: ReadonlyMap<string, Regulation> | readonly Regulation[];
  /** `validUntil` and `post` are written only as the site publishes them (the file's columns). */
  auxiliaries: Iterable<DirectoryEntry & PublishedStatus & Partial<Pick<Auxiliary, 'validUntil' | 'post'>>>;
  holidays?: Holidays;
  policy?: Policy;
  rosterDates?: ReadonlyMap<string, string>;
  builtAt?: Date;
  /** The workspace versions the build read (their ids); the file then says it read none when not given. */
  workspaceVersions?: readonly string[];
}): DirectoryFile {
  const agencyIndex = new Map(input.agencies.map((a, i) => [a.id, i]));
  const rows = [...input.auxiliaries].map((aux) => {
    const index = agencyIndex.get(aux.agencyId);
    if (index === undefined) throw new Error(`证件 ${aux.certificateNo} 的机关 ${aux.agencyId} 不在机关名录中`);
    return { key: certificateLookupKey(aux.certificateNo), aux, index };
  });
  rows.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const statuses: z.infer<typeof directoryStatusesSchema> = { rows: [], status: [], since: [] };
  rows.forEach(({ aux }, row) => {
    if (aux.status === 'active') return;
    statuses.rows.push(row);
    statuses.status.push(aux.status);
    statuses.since.push(aux.statusSince ?? null);
  });
  const policy = input.policy ?? DEFAULT_POLICY;
  // Default-deny: a post only where the policy publishes posts, and not beside a name no longer published.
  const postsPublished = disclosureOf(policy).published.has('post');
  const validUntil = sharedColumn(rows.map(({ aux }) => (aux.status === 'active' ? aux.validUntil : undefined)));
  const posts = postsPublished ? sharedColumn(rows.map(({ aux }) => (aux.name === NAME_WITHHELD ? undefined : aux.post))) : undefined;
  const certificates = {
    keys: rows.map((r) => r.key),
    numbers: rows.map((r) => r.aux.certificateNo),
    names: rows.map((r) => r.aux.name),
    agencies: rows.map((r) => r.index),
    statuses,
    ...(validUntil ? { validUntil } : {}),
    ...(posts ? { posts } : {}),
  };
  return {
    format: DIRECTORY_FORMAT,
    version: DIRECTORY_VERSION,
    builtAt: (input.builtAt ?? new Date()).toISOString(),
    workspaceVersions: [...(input.workspaceVersions ?? [])].sort(),
    agencies: [...input.agencies],
    regulations: [...input.regulations.values()].map(directoryRegulationOf),
    holidays: input.holidays ?? { years: [] },
    policy,
    rosterDates: Object.fromEntries(input.rosterDates ?? []),
    certificates,
  };
}

/** The shared table of a column (sharedColumnSchema), or undefined when no row has a value. */
function sharedColumn(values: readonly (string | undefined)[]): { list: string[]; of: (number | null)[] } | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (!counts.size) return undefined;
  const list = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(list.map((v, i) => [v, i]));
  return { list, of: values.map((v) => (v === undefined ? null : index.get(v)!)) };
}

function directoryRegulationOf(regulation: Regulation): DirectoryRegulation {
  return {
    id: regulation.id,
    title: regulation.title,
    status: regulation.status,
    categories: complaintCategories(regulation).map((c) => ({ code: c.code, label: c.label, target: c.target })),
    scope: regulation.scope.map((p) => ({ article: p.article, text: p.text })),
  };
}

/** The newest of the agencies' roster dates (YYYY-MM-DD): what the lookup's 「截至 …」 says, as on the built pages. */
export function latestRosterDate(directory: Pick<Directory, 'agencies' | 'rosterDate'>): string | undefined {
  let latest: string | undefined;
  for (const agency of directory.agencies) {
    const date = directory.rosterDate(agency.id);
    if (date && (!latest || date > latest)) latest = date;
  }
  return latest;
}

/** The lookups over a (checked) directory file. */
export function directoryFromFile(file: DirectoryFile): Directory {
  const agencies = new Map(file.agencies.map((a) => [a.id, a]));
  const regulations = new Map(file.regulations.map((r) => [r.id, r]));
  const { keys, numbers, names, agencies: agencyOf, statuses, validUntil, posts } = file.certificates;
  const find = (key: string) => binarySearch(keys, key);
  return {
    builtAt: file.builtAt,
    version: file.version,
    workspaceVersions: file.workspaceVersions,
    agencies: file.agencies,
    agency: (id) => agencies.get(id),
    regulation: (id) => regulations.get(id),
    regulations: file.regulations,
    auxiliary: (no) => {
      const i = find(certificateLookupKey(no));
      return i < 0 ? undefined : { certificateNo: numbers[i]!, name: names[i]!, agencyId: file.agencies[agencyOf[i]!]!.id };
    },
    publishedStatus: (no) => {
      const i = find(certificateLookupKey(no));
      if (i < 0 || !statuses) return undefined;
      const j = binarySearch(statuses.rows, i);
      if (j < 0) return { status: 'active' };
      const since = statuses.since[j];
      return { status: statuses.status[j]!, ...(since ? { statusSince: since } : {}) };
    },
    holidays: file.holidays,
    policy: file.policy,
    rosterDate: (id) => (Object.hasOwn(file.rosterDates, id) ? file.rosterDates[id] : undefined),
    *certificates() {
      // The statuses are sparse and ascending: walked alongside.
      let j = 0;
      for (let i = 0; i < keys.length; i++) {
        const c: ListedCertificate = { certificateNo: numbers[i]!, lookupKey: keys[i]!, agencyId: file.agencies[agencyOf[i]!]!.id, name: names[i]! };
        if (statuses) {
          const listed = statuses.rows[j] === i;
          c.status = listed ? statuses.status[j++]! : 'active';
        }
        const until = validUntil?.of[i];
        if (until !== undefined && until !== null) c.validUntil = validUntil!.list[until]!;
        const post = posts?.of[i];
        if (post !== undefined && post !== null) c.post = posts!.list[post]!;
        yield c;
      }
    },
  };
}

/** The index of `value` in the ascending `list`, or -1. */
function binarySearch<T extends string | number>(list: readonly T[], value: T): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = list[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** A directory made in memory from loaded content (pages that need the agencies, tests): the same lookups as the file's. */
export function buildDirectory(input: Parameters<typeof directoryFileOf>[0]): Directory {
  return {
    ...directoryFromFile(directoryFileOf(input)),
    builtAt: undefined,
    workspaceVersions: input.workspaceVersions && [...input.workspaceVersions].sort(),
  };
}

/** The categories of one regulation (reading and article in the label, aimed at the auxiliary or the agency), then 其他. Codes are `<regulationId>:<provisionId>`. */
export function categoriesOf(regulation: DirectoryRegulation | undefined): CategoryOption[] {
  const options: CategoryOption[] = (regulation?.categories ?? []).map((c) => ({ ...c, regulationId: regulation!.id }));
  options.push({ code: OTHER_CATEGORY, label: '其他', regulationId: null });
  return options;
}
