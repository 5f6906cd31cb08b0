import { toHalfWidth } from '../../core/text.ts';
import type { AuxiliaryStatus } from '../../core/roster/schema.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/**
 * The words clerks type in a 状态 column, by the status they mean (docs/ROSTERS.md has the same table).
 * Each word is matched whole; a cell may hold several words separated by punctuation or nothing at all.
 */
export const STATUS_WORDS: Record<AuxiliaryStatus, readonly string[]> = {
  active: ['在职', '在岗', '正常', '有效'],
  suspended: ['停岗', '停职', '暂停', '停用'],
  left: ['离职', '已离职', '辞职', '辞退', '解聘', '退休', '离岗'],
  revoked: ['证件已收回', '证件收回', '已收回', '收回', '吊销', '已吊销'],
  cancelled: ['注销', '已注销', '作废'],
};

/** How each status is named to the clerk in the check report and in messages. */
export const STATUS_NAMES: Record<AuxiliaryStatus, string> = {
  active: '在岗',
  suspended: '暂停',
  left: '已离职',
  revoked: '证件已收回',
  cancelled: '证件注销',
};

const WORD_STATUS = new Map<string, AuxiliaryStatus>();
for (const [status, words] of Object.entries(STATUS_WORDS) as [AuxiliaryStatus, readonly string[]][]) {
  WORD_STATUS.set(status, status);
  for (const word of words) WORD_STATUS.set(word, status);
}
const WORDS_LONGEST_FIRST = [...WORD_STATUS.keys()].sort((a, b) => b.length - a.length);
const NEGATIONS = new Set(['不', '未', '非', '没', '无']);
/** Separators between words in one cell: 已离职，证件已收回 · 离职(证件已收回) · 离职/收回. */
const SEPARATORS = /[,，、;；:：/\\|()（）[\]【】<>《》"'“”‘’.。·\-—_+&]+/g;

export const STATUS_WORDS_HINT = (Object.entries(STATUS_WORDS) as [AuxiliaryStatus, readonly string[]][])
  .map(([status, words]) => `${words.join('/')} → ${STATUS_NAMES[status]}`)
  .join('；');

export type StatusReading = { ok: true; value: AuxiliaryStatus } | { ok: false; reason: string };

/**
 * A status cell → status. Empty means active. A departure followed or preceded by the recovery of the
 * certificate (离职，证件已收回) is a departure: recovery follows every departure. A negated word (不在岗, 未收回)
 * never counts as its positive, and words of two statuses that are not that known combination are refused: the
 * importer does not guess.
 */
export function parseStatus(value: string): StatusReading {
  // A roster repeats the same few words on every row.
  let reading = cache.get(value);
  if (!reading) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    reading = readStatus(value);
    cache.set(value, reading);
  }
  return reading;
}

const CACHE_LIMIT = 10_000;
const cache = new Map<string, StatusReading>();

function readStatus(value: string): StatusReading {
  // Spaces inside a word (离 职) are typing; words are found without them.
  const text = toHalfWidth(value).toLowerCase().replace(/\s+/g, '').replace(SEPARATORS, ' ').trim();
  if (!text) return { ok: true, value: 'active' };
  const found: AuxiliaryStatus[] = [];
  for (const chunk of text.split(' ')) {
    let i = 0;
    while (i < chunk.length) {
      const ch = chunk[i]!;
      if (NEGATIONS.has(ch)) {
        const skip = chunk[i + 1] === '已' && !wordAt(chunk, i + 1) ? 2 : 1;
        const negated = wordAt(chunk, i + skip);
        if (negated) {
          const phrase = chunk.slice(i, i + skip + negated.length);
          return { ok: false, reason: withHint(rosterErrors.StatusNegated, phrase, negated, STATUS_WORDS_HINT) };
        }
      }
      const word = wordAt(chunk, i) ?? (ch === '已' ? wordAt(chunk, i + 1) : undefined);
      if (!word) {
        // 证件未收回: a negated word inside a phrase is named as such rather than as an unknown word.
        for (let j = i; j < chunk.length; j++) {
          const negated = NEGATIONS.has(chunk[j]!) ? wordAt(chunk, j + 1) : undefined;
          if (negated)
            return {
              ok: false,
              reason: withHint(rosterErrors.StatusNegatedInside, chunk, `${chunk[j]}${negated}`, negated, STATUS_WORDS_HINT),
            };
        }
        return { ok: false, reason: withHint(rosterErrors.StatusUnknown, STATUS_WORDS_HINT) };
      }
      found.push(WORD_STATUS.get(word)!);
      i += word.length + (chunk.startsWith(word, i) ? 0 : 1);
    }
  }
  const distinct = new Set(found);
  if (distinct.size === 1) return { ok: true, value: found[0]! };
  if (distinct.size === 2 && distinct.has('left') && distinct.has('revoked')) return { ok: true, value: 'left' };
  return {
    ok: false,
    reason: withHint(
      rosterErrors.StatusTwo,
      [...distinct].map((s) => STATUS_NAMES[s]),
    ),
  };
}

function wordAt(text: string, at: number): string | undefined {
  for (const word of WORDS_LONGEST_FIRST) if (text.startsWith(word, at)) return word;
  return undefined;
}
