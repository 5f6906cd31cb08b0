import type { Directory } from '../../src/core/directory.ts';
import type { Labels } from './aggregate.ts';

/** `<regulation>:<provision>` → "河北省第十条：…"; `other` → 其他. */
export function categoryLabel(code: string, regulation: Directory['regulation']): string {
  if (code === 'other' || code.endsWith(':other')) return '其他';
  const [regulationId, provisionId] = code.split(':');
  const found = regulationId ? regulation(regulationId) : undefined;
  if (!found || !provisionId) return code;
  const lists = [found.forbiddenDuties, found.prohibitedConduct, found.permittedDuties];
  const provision = lists.flat().find((p) => p.id === provisionId);
  if (!provision) return code;
  const text = provision.plain ?? provision.text;
  return `${found.jurisdiction}${provision.article}：${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

/** Agency names and category labels from the functions' directory (the content the site is built from). */
export function labelsFrom(directory: Pick<Directory, 'agency' | 'regulation'>): Labels {
  return {
    agency: (id) => directory.agency(id)?.name ?? id,
    category: (code) => categoryLabel(code, directory.regulation),
  };
}
