import type { Directory } from '../../src/core/directory.ts';
import type { Labels } from './aggregate.ts';

/** `<regulation>:<provision>` → the category as the complaint form names it (shortened); `other` → 其他. */
export function categoryLabel(code: string, regulation: Directory['regulation']): string {
  if (code === 'other' || code.endsWith(':other')) return '其他';
  const [regulationId] = code.split(':');
  const found = regulationId ? regulation(regulationId)?.categories.find((c) => c.code === code) : undefined;
  if (!found) return code;
  return found.label.length > 48 ? `${found.label.slice(0, 48)}…` : found.label;
}

/** Agency names and category labels from the functions' directory (the content the site is built from). */
export function labelsFrom(directory: Pick<Directory, 'agency' | 'regulation'>): Labels {
  return {
    agency: (id) => directory.agency(id)?.name ?? id,
    category: (code) => categoryLabel(code, directory.regulation),
  };
}
