/** A reply in OpenAI's error shape, which OpenCode (through the AI SDK) shows to the user as `message`. */
export function errorResponse(status: number, error: { message: string; type: string; code: string }, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { ...error, param: null } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
