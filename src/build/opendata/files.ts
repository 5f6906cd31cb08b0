import type { Portal } from '../portal/data.ts';
import { inOpenData, openDataColumnsFor, toCsv, toJson, toRow } from './index.ts';

/** The open-data files: `all.csv|json` for the whole site and `agencies/<id>.csv|json` per agency with a roster. */
export function openDataFile(portal: Portal, agencyId: string | undefined, format: 'csv' | 'json'): string {
  const columns = openDataColumnsFor(portal.site.disclosure);
  const auxiliaries = (agencyId ? portal.rosterOf(agencyId) : portal.auxiliaries).filter(inOpenData);
  const rows = auxiliaries.map((aux) => toRow(aux, portal.agencyById.get(aux.agencyId)!.name, columns));
  const asOf = agencyId ? portal.asOf(agencyId) : portal.latestAsOf;
  return format === 'csv' ? toCsv(rows, columns) : toJson(rows, columns, asOf);
}

export const contentType = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;
