import { describe, expect, it } from 'vitest';
import { rowId } from '../../functions/store/row-id.ts';

describe('row ids', () => {
  it('sort in the order they were made (one millisecond apart or more), so a group of new rows lands at the end of each id index', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push(rowId());
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
