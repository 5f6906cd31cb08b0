import { loadRegistry } from '../../import/registry/load.ts';
import { loadRegulations } from '../../import/regulation/load.ts';
import type { Regulation } from '../../core/regulation/schema.ts';
import { readSettings } from '../../core/settings.ts';
import { aggregate, type Labels, type Stats } from './aggregate.ts';
import { readStatsInput } from './load.ts';

export * from './aggregate.ts';
export { toCsv, barChartSvg, countText } from './render.ts';

/** `<regulation>:<provision>` → "第十条第（一）项 …"; `other` → 其他. */
export function categoryLabel(code: string, regulations: ReadonlyMap<string, Regulation>): string {
  if (code === 'other' || code.endsWith(':other')) return '其他';
  const [regulationId, provisionId] = code.split(':');
  const regulation = regulationId ? regulations.get(regulationId) : undefined;
  if (!regulation || !provisionId) return code;
  const lists = [regulation.forbiddenDuties, regulation.prohibitedConduct, regulation.permittedDuties];
  const provision = lists.flat().find((p) => p.id === provisionId);
  if (!provision) return code;
  const text = provision.plain ?? provision.text;
  return `${regulation.jurisdiction}${provision.article}：${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

let cached: Promise<Stats | null> | undefined;

/**
 * The statistics of the store named by DATABASE_URL (or the embedded SQLite under VAR_DIR), computed once
 * per build; null when there is no store yet.
 */
export function getStats(env: NodeJS.ProcessEnv = process.env): Promise<Stats | null> {
  cached ??= (async () => {
    const settings = readSettings(env);
    const input = await readStatsInput(settings);
    if (!input || input.length === 0) return null;
    const regulations = await loadRegulations(settings.contentDir);
    const registry = await loadRegistry(settings.contentDir, new Set(regulations.keys()));
    const labels: Labels = {
      agency: (id) => registry.byId.get(id)?.name ?? id,
      category: (code) => categoryLabel(code, regulations),
    };
    return aggregate(input, labels, new Date());
  })();
  return cached;
}
