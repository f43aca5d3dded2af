/** The page's stylesheet, served as /app.css. */
export const APP_CSS = String.raw`
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --text: #1b1f24; --muted: #667085; --line: #d0d5dd;
  --ok: #1a7f37; --warn: #b35900; --bad: #c4232b; --bar: #2f6fde; --bar-high: #d97706; --bar-full: #c4232b; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111418; --card: #1b2027; --text: #e6e9ee; --muted: #98a2b3; --line: #344054; --bar: #5b8def; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--text); }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--card); }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 15px; margin: 20px 0 8px; }
main { padding: 0 20px 24px; max-width: 1200px; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin-left: auto; }
.connection { font-size: 12px; color: var(--muted); }
.connection[data-state="live"] { color: var(--ok); }
.connection[data-state="lost"] { color: var(--bad); }
button { font: inherit; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--text); cursor: pointer; }
button:hover { border-color: var(--bar); }
button.danger { color: var(--bad); border-color: var(--bad); }
button:disabled { opacity: .5; cursor: default; }
input, select { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--text); }
.notice, .pin-banner, .sign-in-status { margin: 12px 0 0; padding: 8px 12px; border-radius: 6px; background: var(--card); border: 1px solid var(--line); }
.notice[data-tone="bad"] { border-color: var(--bad); color: var(--bad); }
.notice, .sign-in-status { transition: opacity .6s ease; }
.notice[data-fading], .sign-in-status[data-fading] { opacity: 0; }
.sign-in-status[data-state="failed"] { border-color: var(--bad); color: var(--bad); }
.url-with-copy { display: inline-flex; flex-wrap: wrap; gap: 6px; align-items: baseline; }
button.copy { font-size: 12px; padding: 1px 8px; }
button.primary { border-color: var(--bar); color: var(--bar); font-weight: 600; }
.notice a, .sign-in-status a { word-break: break-all; }
.empty { color: var(--muted); }
.accounts { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px; }
.account { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; display: flex; flex-direction: column; gap: 8px; }
.account[data-enabled="false"] { opacity: .75; }
.account-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 10px; }
.alias { font-weight: 600; font-size: 16px; }
.email, .meta, .hint { color: var(--muted); font-size: 12px; }
.plan { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; }
.state { font-size: 12px; font-weight: 600; border-radius: 10px; padding: 1px 8px; margin-left: auto; border: 1px solid currentColor; }
.state[data-tone="ok"] { color: var(--ok); } .state[data-tone="warn"] { color: var(--warn); }
.state[data-tone="bad"] { color: var(--bad); } .state[data-tone="muted"] { color: var(--muted); }
.reasons { margin: 0; padding-left: 18px; font-size: 12px; color: var(--warn); }
.window { display: grid; grid-template-columns: 52px 1fr; gap: 2px 8px; align-items: center; }
.window-label { font-size: 12px; color: var(--muted); }
.bar { height: 12px; border-radius: 6px; background: color-mix(in srgb, var(--line) 60%, transparent); overflow: hidden; }
.bar-fill { height: 100%; width: 0; background: var(--bar); transition: width .4s ease; }
.bar-fill[data-level="high"] { background: var(--bar-high); } .bar-fill[data-level="full"] { background: var(--bar-full); }
.window-text { grid-column: 2; font-size: 12px; }
.window-text .stale { color: var(--warn); }
.stats { font-size: 12px; }
.last-error { font-size: 12px; color: var(--bad); margin: 0; }
.last-error[data-resolved] { color: var(--muted); }
.serving-line { font-size: 12px; margin: 0; color: var(--ok); font-weight: 600; }
.serving { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.next-account { margin: 0 0 8px; }
.serving .why { color: var(--muted); }
.sessions { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.session { border-top: 1px solid var(--line); padding-top: 6px; font-size: 13px; }
.session-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 6px; }
.session-id { font-size: 12px; }
.live { font-size: 11px; font-weight: 600; color: var(--ok); border: 1px solid currentColor; border-radius: 8px; padding: 0 6px; }
.session[data-moves="true"] .session-next-account { color: var(--warn); }
.session-next { font-size: 12px; }
.refresh-state { font-size: 12px; display: flex; align-items: center; gap: 6px; }
.refresh-state[data-state="failed"] { color: var(--bad); } .refresh-state[data-state="done"] { color: var(--ok); }
.actions { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; border-top: 1px solid var(--line); padding-top: 8px; }
.confirm { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; font-size: 12px; }
.timeline svg { display: block; max-width: 100%; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
.timeline .grid { stroke: var(--line); stroke-width: 1; }
.timeline .axis-label { fill: var(--muted); font-size: 12px; }
.timeline .legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 8px 0 0; padding: 0; font-size: 13px; }
.timeline .legend li { display: flex; align-items: center; gap: 6px; }
.timeline .swatch { display: inline-block; width: 14px; height: 4px; border-radius: 2px; }
@media (max-width: 520px) {
  header.top { padding: 10px 12px; }
  main { padding: 0 10px 20px; }
  .accounts { grid-template-columns: 1fr; }
  .toolbar { margin-left: 0; }
}
[hidden] { display: none !important; }
`;
