import type { Directory } from '../../src/core/directory.ts';
import type { Labels } from './aggregate.ts';

/** `<regulation>:<provision>` → the category as the complaint form names it (shortened); `other` → 其他. */
export function categoryLabel(code: string, regulation: Directory['regulation']): string {
  if (code === 'other' || code.endsWith(':other')) return '其他';
  const [regulationId] = code.split(':');
  const found = regulationId ? regulation(regulationId)?.categories.find((c) => c.code === code) : undefined;
  if (!found) return code;
  // The form's label is `text（article）`: the article goes first here, so a shortened text never loses it.
  const cut = found.label.lastIndexOf('（第');
  const [text, article] = cut > 0 ? [found.label.slice(0, cut), found.label.slice(cut + 1, -1)] : [found.label, ''];
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return article ? `${article}：${short}` : short;
}

/** Agency names and category labels from the functions' directory (the content the site is built from). */
export function labelsFrom(directory: Pick<Directory, 'agency' | 'regulation'>): Labels {
  return {
    agency: (id) => directory.agency(id)?.name ?? id,
    category: (code) => categoryLabel(code, directory.regulation),
  };
}
