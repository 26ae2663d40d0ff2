/**
 * The object without its undefined-valued keys. In an update input an absent
 * field and an undefined one both mean "leave unchanged", so only the keys
 * that carry a value (null included: it clears) are kept.
 */
export function definedFields<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
