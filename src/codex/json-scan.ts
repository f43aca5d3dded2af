/**
 * Finding the parts of a JSON text without parsing it. OpenCode sends the whole conversation on
 * every turn (megabytes in a long session) while the plugin changes only a few top-level fields, so
 * the large values are located here and passed on as text.
 *
 * A value is only worth passing on as text when JSON.stringify(JSON.parse(text)) would give that
 * same text back: compact, numbers and escapes as JSON.stringify writes them. The scan reports
 * whether that holds ("canonical"); when it does not, callers parse the body as before.
 */

/** The text is not JSON of the expected shape; callers fall back to JSON.parse for the exact error. */
export class JsonScanError extends Error {
  override readonly name = 'JsonScanError';
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhiteSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Index just past the string literal whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) throw new JsonScanError(`unterminated string at ${start}`);
    let slashes = 0;
    for (let i = quote - 1; text.charCodeAt(i) === BACKSLASH; i--) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Mutable verdict shared by one scan: cleared as soon as any part would not round-trip. */
interface Verdict {
  canonical: boolean;
}

/** Index just past a number, `true`, `false` or `null` starting at `start`. */
function primitiveEnd(text: string, start: number, verdict: Verdict): number {
  let end = start;
  for (;;) {
    const code = text.charCodeAt(end);
    if (Number.isNaN(code) || code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || code === COLON || isWhiteSpace(code)) break;
    end++;
  }
  const token = text.slice(start, end);
  if (token === 'true' || token === 'false' || token === 'null') return end;
  if (!NUMBER.test(token)) throw new JsonScanError(`unexpected ${JSON.stringify(token.slice(0, 20))} at ${start}`);
  if (String(Number(token)) !== token) verdict.canonical = false;
  return end;
}

/**
 * Index just past the JSON value that starts at `start`. Strings are skipped with indexOf, so the
 * cost is in the structure between them, which is small next to the text of a conversation.
 */
function valueEnd(text: string, start: number, verdict: Verdict): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) return primitiveEnd(text, start, verdict);
  const closers: number[] = [];
  let i = start;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = stringEnd(text, i);
      continue;
    }
    if (code === OPEN_BRACE) closers.push(CLOSE_BRACE);
    else if (code === OPEN_BRACKET) closers.push(CLOSE_BRACKET);
    else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      if (closers.pop() !== code) throw new JsonScanError(`unbalanced ${String.fromCharCode(code)} at ${i}`);
      if (closers.length === 0) return i + 1;
    } else if (Number.isNaN(code)) throw new JsonScanError(`unterminated value at ${start}`);
    else if (isWhiteSpace(code)) verdict.canonical = false;
    else if (code !== COMMA && code !== COLON) {
      i = primitiveEnd(text, i, verdict);
      continue;
    }
    i++;
  }
}

/** True when the backslash at `at` starts an escape (is preceded by an even number of backslashes). */
function startsEscape(text: string, at: number): boolean {
  let slashes = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) slashes++;
  return slashes % 2 === 0;
}

/** A backslash before `/` or `u`: the only sequences that can start an escape JSON.stringify would not write. */
const SUSPECT_ESCAPE = /\\[/u]/g;
/** The `\u00xx` escapes JSON.stringify writes: control characters without a short escape, lower-case hex. */
const CONTROL_ESCAPE = /^00(?:0[0-7bef]|1[0-9a-f])$/;

/**
 * True when every escape in `text` is one JSON.stringify would write. It writes `\"`, `\\`,
 * `\b \f \n \r \t`, and `\u00xx` (lower-case hex) only for the other control characters; so
 * `\/`, `\u0041`, `\u001F`, `\u000a` or an escaped surrogate would come back different.
 */
export function escapesAreCanonical(text: string): boolean {
  SUSPECT_ESCAPE.lastIndex = 0;
  for (let match = SUSPECT_ESCAPE.exec(text); match; match = SUSPECT_ESCAPE.exec(text)) {
    if (!startsEscape(text, match.index)) continue;
    if (match[0] === '\\/' || !CONTROL_ESCAPE.test(text.slice(match.index + 2, match.index + 6))) return false;
  }
  return true;
}

function skipWhiteSpace(text: string, at: number): number {
  while (isWhiteSpace(text.charCodeAt(at))) at++;
  return at;
}

/** One top-level member of an object: its key and where its value's text lies. */
export interface JsonMember {
  key: string;
  start: number;
  end: number;
  /** White space and numbers are as JSON.stringify writes them (escapes: see escapesAreCanonical). */
  canonical: boolean;
}

/**
 * The members of the JSON object `text`, in order, without parsing their values. White space
 * between members is allowed (it is not passed on). Throws JsonScanError when `text` is not an object.
 */
export function objectMembers(text: string): JsonMember[] {
  let at = skipWhiteSpace(text, 0);
  if (text.charCodeAt(at) !== OPEN_BRACE) throw new JsonScanError('not an object');
  at = skipWhiteSpace(text, at + 1);
  const members: JsonMember[] = [];
  if (text.charCodeAt(at) === CLOSE_BRACE) {
    if (skipWhiteSpace(text, at + 1) !== text.length) throw new JsonScanError('text after the object');
    return members;
  }
  for (;;) {
    if (text.charCodeAt(at) !== QUOTE) throw new JsonScanError(`expected a key at ${at}`);
    const keyEnd = stringEnd(text, at);
    const key = JSON.parse(text.slice(at, keyEnd)) as string;
    at = skipWhiteSpace(text, keyEnd);
    if (text.charCodeAt(at) !== COLON) throw new JsonScanError(`expected ':' at ${at}`);
    const start = skipWhiteSpace(text, at + 1);
    const verdict: Verdict = { canonical: true };
    const end = valueEnd(text, start, verdict);
    members.push({ key, start, end, canonical: verdict.canonical });
    at = skipWhiteSpace(text, end);
    const code = text.charCodeAt(at);
    if (code === COMMA) {
      at = skipWhiteSpace(text, at + 1);
      continue;
    }
    if (code !== CLOSE_BRACE) throw new JsonScanError(`expected ',' or '}' at ${at}`);
    if (skipWhiteSpace(text, at + 1) !== text.length) throw new JsonScanError('text after the object');
    return members;
  }
}

/**
 * Where each element of the compact JSON array `text` starts and ends, one at a time, so a caller
 * that needs only the first few stops early.
 */
export function* arrayElements(text: string): Generator<{ start: number; end: number }> {
  if (text.charCodeAt(0) !== OPEN_BRACKET) throw new JsonScanError('not an array');
  let at = 1;
  if (text.charCodeAt(at) === CLOSE_BRACKET) return;
  const verdict: Verdict = { canonical: true };
  for (;;) {
    const end = valueEnd(text, at, verdict);
    yield { start: at, end };
    const code = text.charCodeAt(end);
    if (code === CLOSE_BRACKET) return;
    if (code !== COMMA) throw new JsonScanError(`expected ',' or ']' at ${end}`);
    at = end + 1;
  }
}
