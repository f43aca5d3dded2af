function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, message: string, accent: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{color:${accent};font-size:1.5rem}p{line-height:1.5}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}

/** Shown in the browser once the code has arrived. */
export function successPage(): string {
  return page('Signed in to opencode-multi-auth', 'The account was received. You can close this tab and return to the terminal.', '#1a7f37');
}

/** Shown when the callback cannot be used; `reason` says why and what to do. */
export function failurePage(reason: string): string {
  return page('Sign-in failed', `${reason} Close this tab and start the sign-in again from the terminal.`, '#cf222e');
}

/** Shown for a callback that is not this sign-in's; the sign-in in progress goes on. */
export function ignoredPage(reason = 'This address does not belong to the sign-in in progress, so it was ignored.'): string {
  return page('Not this sign-in', `${reason} If you are signing in, finish in the tab the terminal opened.`, '#9a6700');
}
