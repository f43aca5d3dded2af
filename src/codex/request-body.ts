/**
 * The model request body, parsed only as deep as the plugin looks. Top-level values larger than a
 * few kilobytes (the conversation in `input`, the `tools`) stay as their text and go back out as
 * that text, so a request's cost does not grow with the length of the conversation. The body
 * OpenAI receives is byte for byte what JSON.stringify of the fully parsed body would be.
 */
import { arrayElements, escapesAreCanonical, JsonScanError, objectMembers } from './json-scan.js';

/** A JSON value kept as its (canonical) text; parsed once, only if something needs to look inside. */
export class RawJson {
  #parsed = false;
  #value: unknown;

  constructor(readonly text: string) {}

  value(): unknown {
    if (!this.#parsed) {
      this.#value = JSON.parse(this.text);
      this.#parsed = true;
    }
    return this.#value;
  }
}

/** Top-level values are plain JSON values or, for large ones, RawJson. */
export type RequestBody = Record<string, unknown>;

/**
 * Arrays and objects at least this long stay as text. Small ones, and every string, number and
 * boolean (`model`, `instructions`, `prompt_cache_key`...), are parsed so the rules see plain data.
 */
export const KEEP_AS_TEXT_FROM = 2_048;

export interface ParseOptions {
  /** Overrides KEEP_AS_TEXT_FROM (tests use 0 to keep every value as text). */
  keepAsTextFrom?: number;
}

function isWellFormed(text: string): boolean {
  // A lone surrogate is written back escaped by JSON.stringify, so its text would not round-trip.
  const check = (text as { isWellFormed?: () => boolean }).isWellFormed;
  return check ? check.call(text) : !/[\uD800-\uDFFF]/.test(text);
}

function fullyParsed(text: string): RequestBody | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as RequestBody) : undefined;
}

/**
 * The body as the request path works on it, or undefined when `text` is not a JSON object. Falls
 * back to a full parse whenever passing a value on as text could change a byte.
 */
export function parseRequestBody(text: string, options: ParseOptions = {}): RequestBody | undefined {
  const keepFrom = options.keepAsTextFrom ?? KEEP_AS_TEXT_FROM;
  if (text.length < keepFrom || !isWellFormed(text)) return fullyParsed(text);
  let members;
  try {
    members = objectMembers(text);
  } catch (error) {
    if (error instanceof JsonScanError) return fullyParsed(text);
    throw error;
  }
  const entries: [string, unknown][] = [];
  for (const member of members) {
    const valueText = text.slice(member.start, member.end);
    const container = valueText.startsWith('[') || valueText.startsWith('{');
    if (container && valueText.length >= keepFrom) {
      if (!member.canonical || !escapesAreCanonical(valueText)) return fullyParsed(text);
      entries.push([member.key, new RawJson(valueText)]);
      continue;
    }
    try {
      entries.push([member.key, JSON.parse(valueText)]);
    } catch {
      return undefined;
    }
  }
  // Object.fromEntries defines own properties, as JSON.parse does (a `__proto__` key stays data),
  // and a repeated key keeps its last value in its first place, as JSON.parse does.
  return Object.fromEntries(entries) as RequestBody;
}

/** The pieces of the body's JSON text, in order; large values are their original text, not copies. */
function jsonPieces(body: RequestBody): string[] {
  const pieces = ['{'];
  for (const [key, value] of Object.entries(body)) {
    const text = value instanceof RawJson ? value.text : (JSON.stringify(value) as string | undefined);
    if (text === undefined) continue;
    pieces.push(`${pieces.length === 1 ? '' : ','}${JSON.stringify(key)}:`, text);
  }
  pieces.push('}');
  return pieces;
}

/** The JSON text of `body`: what JSON.stringify would write for the fully parsed body. */
export function serializeRequestBody(body: RequestBody): string {
  return jsonPieces(body).join('');
}

const encoder = new TextEncoder();

/**
 * The body as the UTF-8 bytes sent upstream, the same as encoding serializeRequestBody's text.
 * Each piece is encoded straight into one buffer of the exact size: joining the pieces first
 * would copy megabytes once more, and fetch would encode a string body anyway.
 */
export function encodeRequestBody(body: RequestBody): Uint8Array<ArrayBuffer> {
  const pieces = jsonPieces(body);
  let size = 0;
  for (const piece of pieces) size += Buffer.byteLength(piece, 'utf8');
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const piece of pieces) offset += encoder.encodeInto(piece, bytes.subarray(offset)).written;
  return bytes;
}

/** The value as plain data: a RawJson is parsed (once), anything else is returned as it is. */
export function plainValue(value: unknown): unknown {
  return value instanceof RawJson ? value.value() : value;
}

/**
 * False when the value surely holds no object with this `type` at any depth; true when it may.
 * A canonical text holds `"type":"<type>"` only where such a member exists, since a quote inside
 * a string is always escaped; plain data is not searched.
 */
export function mayContainType(value: unknown, type: string): boolean {
  return value instanceof RawJson ? value.text.includes(`"type":${JSON.stringify(type)}`) : true;
}

/**
 * Splits an array value into its first items, taken while `take` accepts them, and the rest (in
 * the same form as the value: text stays text). Undefined when the value is not an array.
 */
export function takeLeading(value: unknown, take: (item: unknown) => boolean): { leading: unknown[]; rest: unknown } | undefined {
  if (Array.isArray(value)) {
    let count = 0;
    while (count < value.length && take(value[count])) count++;
    return { leading: value.slice(0, count), rest: count === 0 ? value : value.slice(count) };
  }
  if (!(value instanceof RawJson) || !value.text.startsWith('[')) return undefined;
  const leading: unknown[] = [];
  for (const element of arrayElements(value.text)) {
    const item = JSON.parse(value.text.slice(element.start, element.end)) as unknown;
    if (!take(item)) {
      return { leading, rest: leading.length === 0 ? value : new RawJson(`[${value.text.slice(element.start)}`) };
    }
    leading.push(item);
  }
  return { leading, rest: leading.length === 0 ? value : [] };
}
