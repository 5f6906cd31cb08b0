/**
 * Characters a number picks up when it is typed on a phone or pasted from a chat message or a web page, each of
 * which once made a listed number come back 查无此证: dashes of every kind, lines and waves used as dashes, the
 * katakana prolonged sound mark, minus signs, and invisible format characters.
 */
export const NUMBER_SLIPS = {
  'small hyphen-minus U+FE63': '\ufe63',
  'small em dash U+FE58': '\ufe58',
  'two-em dash U+2E3A': '\u2e3a',
  'three-em dash U+2E3B': '\u2e3b',
  'box drawing light horizontal U+2500': '\u2500',
  'half-width katakana prolonged sound mark U+FF70': '\uff70',
  'modifier letter minus U+02D7': '\u02d7',
  'heavy minus sign U+2796': '\u2796',
  'full-width tilde U+FF5E': '\uff5e',
  'wave dash U+301C': '\u301c',
  'soft hyphen U+00AD': '\u00ad',
  'zero-width space U+200B': '\u200b',
  'word joiner U+2060': '\u2060',
} as const;

/** The number with `ch` in place of every dash, and before and after it. */
export const spelledWith = (no: string, ch: string) => `${ch}${no.replace(/-/g, ch)}${ch}`;
