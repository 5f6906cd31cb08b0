import { escapeHtml as e } from '../../core/text.ts';
import type { Portal } from './data.ts';
import { agencyPath } from './paths.ts';

/**
 * Which agencies the site covers, and that police auxiliaries (辅警) are not among them, quoting each text's own
 * exclusion: for pages that tell a citizen a number is not on the roster.
 */
export function coverageHtml(portal: Portal): string {
  const regions = portal.regions
    .map((r) => ({ region: r.region, agencies: r.agencies.filter((a) => portal.rosterOf(a.id).length) }))
    .filter((r) => r.agencies.length);
  const exclusions = [...portal.site.regulations.values()].flatMap((r) =>
    r.scope.map((p) => `<li><q class="verbatim">${e(p.text)}</q>（《${e(r.title)}》${e(p.article)}）</li>`),
  );
  return (
    `<section class="coverage" aria-labelledby="coverage"><h2 id="coverage">本站公示哪些人</h2>` +
    `<p>本站只公示下列行政执法机关招用的行政执法辅助人员${portal.latestAsOf ? `（名单截至各机关注明的日期）` : ''}：</p>` +
    regions.map((r) => `<p><b>${e(r.region)}</b>：${r.agencies.map((a) => `<a href="${agencyPath(a.id)}">${e(a.name)}</a>`).join('、')}</p>`).join('') +
    `<p><strong>公安机关的警务辅助人员（辅警）不在本站公示范围内</strong>，本站查不到辅警的证件；请向当地公安机关核实，紧急情况拨打 110。两部办法都把辅警排除在外：</p>` +
    `<ul>${exclusions.join('')}</ul></section>`
  );
}
