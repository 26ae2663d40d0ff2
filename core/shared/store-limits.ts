/**
 * What the stores can hold, checked when input is validated so a value they
 * would refuse is a ValidationError naming the field, not an InternalError
 * from deep inside a write.
 */

/**
 * Numbers the device table can hold. DynamoDB's number type takes up to 38
 * significant digits with a magnitude from 1e-130 to 9.99e125, or zero; JS
 * doubles carry 17 digits, so only the magnitude can be out of range there.
 * The SDK's document client is stricter at the top: it refuses to write a
 * number beyond Number.MAX_SAFE_INTEGER (and would read one back as a BigInt),
 * and every double that large is an integer. So the upper bound is 2^53 - 1.
 */
export const STORABLE_NUMBER = { minMagnitude: 1e-130, maxMagnitude: Number.MAX_SAFE_INTEGER } as const;

/** True when the device table (DynamoDB through the document client) can store `value`. */
export function fitsDynamoDbNumber(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const magnitude = Math.abs(value);
  return (
    magnitude === 0 ||
    (magnitude >= STORABLE_NUMBER.minMagnitude && magnitude <= STORABLE_NUMBER.maxMagnitude)
  );
}

export const DYNAMODB_NUMBER_MESSAGE =
  "must be 0 or a number whose magnitude is from 1e-130 (DynamoDB's smallest) to 9007199254740991 (the largest the DynamoDB client writes exactly)";

/** DynamoDB's deepest nesting of maps and lists in one attribute (32 levels); JSON input deeper is refused. */
export const MAX_JSON_DEPTH = 32;

/**
 * How deep `value` nests objects and arrays, counted without recursion (a
 * 5,000-deep value would overflow the stack of a recursive walk); stops
 * counting once past `limit`.
 */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, level]);
  }
  return deepest;
}

/** How deep a JSON text nests, read from its brackets without parsing (strings skipped). */
export function jsonTextDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91 /* { [ */) {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}
