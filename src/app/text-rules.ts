import { badInput } from './errors.js';

/**
 * What characters text may hold. Two rules, one per kind of string:
 *
 * - Identifiers (ids, attribute names) are compared byte for byte and echoed back, so they
 *   are never rewritten: control characters (U+0000-U+001F, U+007F) or lone UTF-16
 *   surrogates reject the request.
 * - Free text (user text, item titles, descriptions and tags, attribute string values,
 *   search texts) rejects C0 control characters except tab, line feed and carriage return
 *   (NUL has no meaning in text and truncates it in C-string code paths), and has lone
 *   surrogates replaced by U+FFFD: they cannot be encoded as UTF-8, so the store or the
 *   tokenizer would otherwise mangle them somewhere less visible.
 */
const IDENTIFIER_CONTROL = /[\u0000-\u001F\u007F]/;
const TEXT_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

// ES2024 string methods (Node 20+); the project's TypeScript lib stops at ES2023.
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
const wellFormed = (s: string) => s as unknown as WellFormedString;

const describe = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

export function checkIdentifier(value: string, field: string, what = 'ids'): void {
  const control = IDENTIFIER_CONTROL.exec(value);
  if (control) throw badInput(`${field}: ${what} must not contain control characters (found ${describe(control[0])})`);
  if (!wellFormed(value).isWellFormed()) throw badInput(`${field}: ${what} must not contain lone UTF-16 surrogates`);
}

/** Free text as it will be stored: rejects control characters, replaces lone surrogates by U+FFFD. */
export function cleanFreeText(value: string, field: string): string {
  const control = TEXT_CONTROL.exec(value);
  if (control) {
    throw badInput(`${field}: text must not contain control characters other than tab and line breaks (found ${describe(control[0])})`);
  }
  return wellFormed(value).toWellFormed();
}
