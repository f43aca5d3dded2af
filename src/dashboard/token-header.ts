/** The header the page sends its per-start token in: checked by the server, sent by the page's script (web/api.ts). */
export const TOKEN_HEADER = 'x-dashboard-token';
