import { coverageSectionHtml } from '../../core/lookup-html.ts';
import type { Portal } from './data.ts';

/**
 * Which agencies the site covers, and that police auxiliaries (辅警) are not among them, quoting each text's own
 * exclusion: for pages that tell a citizen a number is not on the roster. The HTML is coverageSectionHtml's
 * (src/core/lookup-html.ts), which the functions' not-found answer uses with the directory file's data.
 */
export function coverageHtml(portal: Portal): string {
  return coverageSectionHtml({
    agencies: portal.agencies.filter((a) => portal.rosterOf(a.id).length),
    regulations: portal.site.regulations.values(),
    dated: !!portal.latestAsOf,
  });
}
