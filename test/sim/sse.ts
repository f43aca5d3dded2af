/** Server-sent events as the Responses API frames them: a named event whose data repeats the type. */
export function sseEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}
