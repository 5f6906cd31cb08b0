import { regulationListNames, type Provision, type Regulation } from './schema.ts';

/** Every provision of a regulation, in list order. */
export function provisionsOf(regulation: Regulation): Provision[] {
  return regulationListNames.flatMap((list) => regulation[list]);
}

/** The provision with this id, or undefined. */
export function provisionById(regulation: Regulation, id: string): Provision | undefined {
  return provisionsOf(regulation).find((p) => p.id === id);
}
