/** One server-sent event, as far as the reply path needs it: its type and its parsed data. */
export interface SseEvent {
  type: string;
  data: Record<string, unknown>;
}

/** What one complete frame of an event stream holds. */
export type SseFrame =
  | { kind: 'event'; event: SseEvent }
  /** A comment or keep-alive with no data: nothing to act on. */
  | { kind: 'empty' }
  /** Data that is not a JSON object: the stream is not an answer. */
  | { kind: 'malformed'; text: string };

const FRAME_END = /\r?\n\r?\n/;

/** Splits text into complete frames and the unfinished rest. Pure. */
export function splitFrames(text: string): { frames: string[]; rest: string } {
  const frames: string[] = [];
  let rest = text;
  for (let match = FRAME_END.exec(rest); match; match = FRAME_END.exec(rest)) {
    frames.push(rest.slice(0, match.index));
    rest = rest.slice(match.index + match[0].length);
  }
  return { frames, rest };
}

/** Reads one frame: `event:` and `data:` lines, comments ignored. The type comes from the data, else the `event:` line. Pure. */
export function parseFrame(frame: string): SseFrame {
  let name: string | undefined;
  const data: string[] = [];
  for (const line of frame.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return { kind: 'empty' };
  const text = data.join('\n');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'malformed', text: text.slice(0, 120) };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { kind: 'malformed', text: text.slice(0, 120) };
  const record = json as Record<string, unknown>;
  const type = typeof record.type === 'string' ? record.type : name;
  if (type === undefined) return { kind: 'malformed', text: text.slice(0, 120) };
  return { kind: 'event', event: { type, data: record } };
}

/**
 * An `error` event as OpenCode's Responses client reads it (the AI SDK's error chunk:
 * `type`, `code`, `message`, `param`, `sequence_number`): shown to the user as the turn's error.
 */
export function errorEventFrame(code: string, message: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null, sequence_number: 0 })}\n\n`;
}
