/**
 * The dashboard's one page. No inline script or style (the Content-Security-Policy forbids both):
 * it loads /app.css and /app.js, and carries this run's token in a meta tag for the script to send.
 */
export function renderPage(token: string): string {
  // The token is base64url: nothing in it needs escaping in an attribute.
  if (!/^[\w-]+$/.test(token)) throw new Error('dashboard token must be base64url');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="dashboard-token" content="${token}">
<title>opencode-multi-auth — accounts</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header class="top">
  <h1>opencode-multi-auth</h1>
  <span id="connection" class="connection" data-state="connecting">connecting…</span>
  <div class="toolbar">
    <button type="button" id="refresh-all" disabled>Refresh all</button>
    <span id="refresh-progress" class="refresh-progress" hidden><progress id="refresh-meter" max="1" value="0"></progress> <span id="refresh-text"></span></span>
    <input id="sign-in-alias" placeholder="alias (optional)" aria-label="Alias for the new account" maxlength="64">
    <button type="button" id="sign-in">Sign in…</button>
  </div>
</header>
<main>
  <p id="notice" class="notice" role="status" aria-live="polite" hidden></p>
  <p id="pin-banner" class="pin-banner" hidden><span id="pin-text"></span> <button type="button" id="unpin">Unpin</button></p>
  <p id="sign-in-status" class="sign-in-status" hidden></p>
  <section aria-labelledby="serving-title">
    <h2 id="serving-title">Who serves now</h2>
    <div id="serving" class="serving"></div>
  </section>
  <section aria-labelledby="accounts-title">
    <h2 id="accounts-title">Accounts</h2>
    <p id="empty" class="empty" hidden>No accounts yet. Sign in to add one.</p>
    <div id="accounts" class="accounts"></div>
  </section>
  <section id="timeline-section" aria-labelledby="timeline-title" hidden>
    <h2 id="timeline-title">Usage over the last 24 hours</h2>
    <div id="timeline" class="timeline"></div>
    <p class="hint">Points are the snapshots the dashboard saw in the store (kept in usage-history.jsonl beside it).</p>
  </section>
</main>
</body>
</html>
`;
}
