/**
 * Valid holders (status `active`) before the others, otherwise in the order given: how the search page ranks the
 * people one kind of match finds (client.ts), and how the functions rank them without JavaScript
 * (functions/server/search-page.ts). An expired certificate (`expired`) is not valid. Sorts in place (stable).
 * Bundled into the search page: keep it free of Node imports.
 */
export function activeFirst<T>(items: T[], statusOf: (item: T) => string | undefined): T[] {
  return items.sort((a, b) => Number(statusOf(b) === 'active') - Number(statusOf(a) === 'active'));
}
