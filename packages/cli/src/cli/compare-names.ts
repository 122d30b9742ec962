// How help sorts categories and commands: the order of clipanion's `localeCompare(b, 'en',
// { usage: 'sort', caseFirst: 'upper' })` without loading ICU's collation data, for printable
// ASCII: space, '-', other punctuation, digits, then letters (upper first on a tie); else ICU.

const COLLATION = { usage: 'sort', caseFirst: 'upper' } as const;
const ASCII_TEXT = /^[\t\n\x20-\x7e]*$/;
const PRINTABLE = /[\x20-\x7e]/;

/** Compares two names for help, as `localeCompare` with the 'en' locale sorts them. */
export function compareNames(a: string, b: string): number {
  return plainOrder(a, b) ?? a.localeCompare(b, 'en', COLLATION);
}

/**
 * The order of `a` and `b` (negative, zero or positive) when it can be told without ICU, else
 * undefined.
 */
export function plainOrder(a: string, b: string): number | undefined {
  if (!ASCII_TEXT.test(a) || !ASCII_TEXT.test(b)) return undefined;
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const x = foldCase(a.charCodeAt(index));
    const y = foldCase(b.charCodeAt(index));
    if (x === y) continue;
    if (isPlain(x) && isPlain(y)) return x - y;
    // `<bash|zsh>` against `install`: printable punctuation before a letter or digit.
    const other = isAlphanumeric(x) ? y : x;
    if (isAlphanumeric(x) !== isAlphanumeric(y) && other >= 0x20 && other <= 0x7e) {
      return isAlphanumeric(x) ? 1 : -1;
    }
    return undefined;
  }
  // One is the other's beginning: the shorter first, if the rest has a printable character.
  if (a.length !== b.length) {
    const rest = (a.length > b.length ? a : b).slice(length);
    return PRINTABLE.test(rest) ? a.length - b.length : undefined;
  }
  // They differ only in case: upper case first, at the first difference.
  for (let index = 0; index < length; index += 1) {
    const difference = a.charCodeAt(index) - b.charCodeAt(index);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** A–Z as a–z. */
function foldCase(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}

function isAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a);
}

/** Space, '-', a digit or a (folded) letter: the characters whose code order is ICU's order. */
function isPlain(code: number): boolean {
  return code === 0x20 || code === 0x2d || (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a);
}
