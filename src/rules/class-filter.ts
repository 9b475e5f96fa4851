import type { ObjectClass } from '../contracts/classes.js';
import type { ClassSelector } from '../config/schema.js';

/**
 * Builds the class test of a rule: `any` matches every class, `object` included;
 * `object` alone matches class-agnostic motion blobs; other names match exactly.
 */
export function classMatcher(selectors: readonly ClassSelector[]): (cls: ObjectClass) => boolean {
  if (selectors.includes('any')) return () => true;
  const wanted = new Set<string>(selectors);
  return (cls) => wanted.has(cls);
}
