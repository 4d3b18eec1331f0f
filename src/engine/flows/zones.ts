/** Report zone ids the program gives its ops (a leaf: the step modules and the API import it). */
export const MAIN_ZONE = 'main';

/** Zone id of a construct's body: `<block id>.<part>` (then, else, try, catch, case-<n>, default, iteration). */
export const bodyZone = (blockId: string, part: string): string => `${blockId}.${part}`;
