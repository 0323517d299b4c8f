/**
 * Escaping of values a pull request's author chose (Sids, names, tags, descriptions, addresses, file
 * names) before any format prints them, so a hostile plan cannot forge the review (TM-REVIEW-01).
 *
 * What counts as unsafe, and why:
 * - every C0 and C1 control character and DEL (`\p{Cc}`): ESC starts terminal sequences that erase lines,
 *   move the cursor or print a fake "pass"; CR overwrites a line; 0x9B is an 8-bit CSI that some terminals
 *   honour; a newline inside a value would start a new line (a fake finding, a fake heading);
 * - every Unicode format character (`\p{Cf}`): the bidirectional embeddings, overrides and isolates
 *   (U+202A–U+202E, U+2066–U+2069), the marks U+200E, U+200F and U+061C, and the invisible ones (zero-width
 *   space, non-joiner and joiner U+200B–U+200D, word joiner, invisible operators, BOM, soft hyphen, the
 *   tag characters U+E0000–U+E007F that smuggle invisible ASCII). The zero-width joiner is escaped too
 *   although emoji sequences use it: a reviewed value that looks like another (`admin` vs `ad\u200dmin`) is
 *   exactly the spoof to make visible, and plan values are identifiers, not prose;
 * - the line and paragraph separators U+2028 and U+2029 (line breaks to some renderers);
 * - lone surrogates (`\p{Cs}`), which a terminal turns into U+FFFD and hides what was there;
 * - the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0: letters that render as nothing (they pass for
 *   identifiers in "invisible variable" attacks).
 * Each becomes a visible escape: `\n`, `\r`, `\t`, `\u001b`, `\u202e`, or `\u{e0041}` above U+FFFF.
 */

/** The characters {@link escapeUnsafe} replaces. Global and Unicode-aware: lone surrogates match `\p{Cs}`. */
export const UNSAFE_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u115F\u1160\u3164\uFFA0]/gu;

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visibleEscape(char: string): string {
  const short = SHORT_ESCAPES[char];
  if (short !== undefined) return short;
  const code = char.codePointAt(0) as number;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Replaces every control, format, separator and invisible character (see the module comment) with a
 * visible escape. Everything else, including backslashes, stays as it is.
 *
 * @example
 * escapeUnsafe('Read\u001b[2KInput'); // 'Read\\u001b[2KInput' (prints as Read\u001b[2KInput)
 * escapeUnsafe('a\u202Eb'); // 'a\\u202eb'
 */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, visibleEscape);
}

/**
 * Whether `text` holds a character {@link escapeUnsafe} would replace.
 *
 * @example
 * hasUnsafe('ok'); // false
 * hasUnsafe('\u2066'); // true
 */
export function hasUnsafe(text: string): boolean {
  return new RegExp(UNSAFE_CHARACTERS.source, 'u').test(text);
}

function jsonEscape(char: string): string {
  let out = '';
  for (let i = 0; i < char.length; i += 1) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/**
 * Makes JSON text (from `JSON.stringify`) safe to print: the unsafe characters that `JSON.stringify`
 * leaves raw (DEL, C1 controls, bidirectional and other format characters, U+2028/U+2029) become
 * `\uXXXX` escapes (two for a character above U+FFFF). The result parses to exactly the same value: a tool
 * reading the JSON gets the plan's value, a person reading it sees the escape.
 *
 * @example
 * safeJson(JSON.stringify({ sid: 'a\u202Eb' })); // '{"sid":"a\\u202eb"}'
 */
export function safeJson(json: string): string {
  // Outside strings JSON text is ASCII punctuation, digits, letters and whitespace, so every match is
  // inside a string, where a \u escape is always valid.
  return json.replace(UNSAFE_CHARACTERS, (char) =>
    char === '\n' || char === '\r' || char === '\t' ? char : jsonEscape(char),
  );
}

/**
 * Cuts escaped text to at most `max` UTF-16 units with an ellipsis, never inside a surrogate pair (a cut
 * pair would print as U+FFFD).
 *
 * @example
 * truncate('abcdef', 4); // 'abc…'
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}
