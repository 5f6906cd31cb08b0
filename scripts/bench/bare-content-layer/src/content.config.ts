import { defineCollection } from 'astro:content';
import { getSite } from '../../../../src/import/site.ts';

const auxiliaries = defineCollection({
  loader: {
    name: 'roster',
    load: async ({ store }) => {
      store.clear();
      const site = await getSite();
      for (const aux of site.roster.auxiliaries) store.set({ id: aux.certificateNo, data: { ...aux } });
    },
  },
});

export const collections = { auxiliaries };
