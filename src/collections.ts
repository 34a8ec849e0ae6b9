/** Small collection helpers the pipeline shares. */

/**
 * Items grouped by key, groups in the order their first item appears and items in input order, so a
 * grouping never reorders work (results stay identical whatever the grouping feeds).
 */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
