import { loadRegistry, type Registry } from './registry/load.ts';
import { loadRegulations } from './regulation/load.ts';
import type { Regulation } from '../core/regulation/schema.ts';
import { findRosterFiles, importRosters, readRosterSources, RosterImportError, type RosterResult } from './roster/index.ts';
import { readSettings } from '../core/settings.ts';
import type { Holidays } from '../core/holidays.ts';
import { loadHolidays } from './holidays/load.ts';
import { mergeWorkspaceRosters } from './roster/merge-workspace.ts';
import { droppedColumns } from './roster/report.ts';
import { readWorkspaceRosters, sqliteVersionsLeftBehind, workspaceStore, workspaceSummary, type WorkspaceRoster } from './workspace-rosters.ts';
import { loadPolicy } from './policy/load.ts';
import type { Policy } from '../core/policy/schema.ts';
import { disclosureOf, type DisclosurePolicy } from '../core/policy/disclosure.ts';

/** Everything the static site is built from: the registry, the regulations and the published roster. */
export interface Site {
  contentDir: string;
  registry: Registry;
  regulations: ReadonlyMap<string, Regulation>;
  roster: RosterResult;
  /** policy.yaml's disclosure and retention sections as the build uses them. */
  disclosure: DisclosurePolicy;
  /** From the optional holidays.yaml (deadlines count working days). */
  holidays: Holidays;
  /** From policy.yaml: the deployment's own rules (deadlines, retention). */
  policy: Policy;
  /** The ids of the workspace versions read (the directory file records them: functions/publish/store-watch.ts). */
  workspaceVersions: readonly string[];
}

/**
 * Loads and checks the whole content folder. Throws (and so stops the build) on any problem: a site is
 * published whole or not at all.
 */
export async function loadSite(contentDir: string, workspace: readonly WorkspaceRoster[] = []): Promise<Site> {
  const regulations = await loadRegulations(contentDir);
  const policy = await loadPolicy(contentDir);
  const registry = await loadRegistry(contentDir, new Set(regulations.keys()));
  const holidays = await loadHolidays(contentDir);
  const sources = await readRosterSources(await findRosterFiles(contentDir), contentDir);
  const fromFiles = await importRosters(sources, registry);
  if (fromFiles.problems.length) throw new RosterImportError(fromFiles.problems);
  const roster = mergeWorkspaceRosters(fromFiles, workspace, registry);
  return { contentDir, registry, regulations, roster, disclosure: disclosureOf(policy), holidays, policy, workspaceVersions: workspace.map((w) => w.id) };
}

/**
 * One line per roster file: the columns it had that are never published (身份证号, 联系电话 …), as roster:check says
 * it, so that whoever runs the build sees a column meant for publication that was not recognized.
 */
export function droppedColumnLines(roster: Pick<RosterResult, 'files'>): string[] {
  return roster.files.map((file) => `[名单] ${file.file}：${droppedColumns(file)}`);
}

const cache = new Map<string, Promise<Site>>();

/** loadSite once per content folder per process (Astro calls getStaticPaths in many modules). */
export function getSite(contentDir = readSettings().contentDir): Promise<Site> {
  let site = cache.get(contentDir);
  if (!site) {
    // The rosters agencies published through the workspace, read read-only from the store the functions write them
    // to (workspace-rosters.ts: ROSTER_STORE_URL, else DATABASE_URL, else <VAR_DIR>/gongshi.sqlite).
    const { varDir } = readSettings();
    const store = workspaceStore(process.env, varDir);
    // Said once per build: by Astro's own process, not again by each portal part (portal-worker.ts) reading the same.
    const once = process.env.PORTAL_PART === undefined;
    site = readWorkspaceRosters(store.url, store.setting).then(async (workspace) => {
      if (once) {
        console.log(workspaceSummary(store, workspace));
        const leftBehind = await sqliteVersionsLeftBehind(store, workspace, varDir);
        if (leftBehind) console.warn(leftBehind);
      }
      const loaded = await loadSite(contentDir, workspace);
      if (once) for (const line of droppedColumnLines(loaded.roster)) console.log(line);
      return loaded;
    });
    cache.set(contentDir, site);
  }
  return site;
}
