/**
 * The page's script, served as /app.js. Plain browser JavaScript (no build step, no template
 * literals so it can live in this string): it listens to /api/events, draws the accounts and the
 * timeline with DOM calls, and sends actions with the run's token.
 */
export const APP_JS = String.raw`
'use strict';
(function () {
  var token = document.querySelector('meta[name="dashboard-token"]').getAttribute('content');
  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = ['#2f6fde', '#d97706', '#16a34a', '#c026d3', '#dc2626', '#0891b2', '#65a30d', '#7c3aed'];
  var state = null;
  var clockSkew = 0;
  var cards = new Map();

  function $(id) { return document.getElementById(id); }
  function now() { return Date.now() + clockSkew; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (attrs[key] !== undefined && attrs[key] !== null && attrs[key] !== false) node.setAttribute(key, attrs[key] === true ? '' : String(attrs[key]));
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else node.setAttribute(key, String(attrs[key]));
    });
    return node;
  }

  function duration(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + 's';
    var m = Math.round(s / 60);
    if (m < 60) return m + 'm';
    var h = Math.floor(m / 60);
    if (h < 24) return m % 60 === 0 ? h + 'h' : h + 'h ' + (m % 60) + 'm';
    var d = Math.floor(h / 24);
    return h % 24 === 0 ? d + 'd' : d + 'd ' + (h % 24) + 'h';
  }
  function relative(at) {
    var delta = at - now();
    if (Math.abs(delta) < 30000) return 'just now';
    return delta > 0 ? 'in ' + duration(delta) : duration(-delta) + ' ago';
  }
  function clockTime(at) {
    var date = new Date(at);
    return String(date.getHours()).padStart(2, '0') + ':' + String(date.getMinutes()).padStart(2, '0');
  }

  function notice(text, tone, link) {
    var box = $('notice');
    box.textContent = text;
    box.setAttribute('data-tone', tone || 'ok');
    if (link) { box.appendChild(document.createTextNode(' ')); box.appendChild(el('a', { href: link, target: '_blank', rel: 'noopener noreferrer', text: link })); }
    box.hidden = false;
  }

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dashboard-token': token },
      body: JSON.stringify(body || {}),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) throw new Error(json.error || ('HTTP ' + res.status));
        return json;
      });
    });
  }
  function act(path, body) {
    return post(path, body).then(function (json) { if (json.message) notice(json.message); return json; }, function (error) { notice(error.message, 'bad'); throw error; });
  }
  function accountPath(account, action) { return '/api/accounts/' + encodeURIComponent(account.id) + '/' + action; }

  // ---- one account card --------------------------------------------------------------------------
  function windowRow(label, name, win) {
    var fill = el('div', { class: 'bar-fill', 'data-level': !win ? null : win.usedPercent >= 100 ? 'full' : win.usedPercent >= 80 ? 'high' : 'ok' });
    fill.style.width = (win ? win.usedPercent : 0) + '%';
    var bar = el('div', { class: 'bar', role: 'meter', 'aria-label': label + ' usage', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': win ? Math.round(win.usedPercent) : 0, 'data-window': name }, [fill]);
    var text = el('div', { class: 'window-text' });
    if (!win) text.textContent = 'not observed yet';
    else {
      text.appendChild(el('span', { class: 'used', text: Math.round(win.usedPercent) + '% used' }));
      if (win.resetsAt) { text.appendChild(document.createTextNode(' · resets ')); text.appendChild(el('span', { 'data-relative': win.resetsAt, text: relative(win.resetsAt) })); }
      var meta = el('span', { class: 'meta' });
      meta.appendChild(document.createTextNode(' · seen '));
      meta.appendChild(win.observedAt ? el('span', { 'data-relative': win.observedAt, text: relative(win.observedAt) }) : document.createTextNode('at an unknown time'));
      meta.appendChild(document.createTextNode(' via ' + win.sourceLabel));
      text.appendChild(meta);
      if (win.stale) text.appendChild(el('span', { class: 'stale', text: ' (stale: re-checked before it pauses anything)' }));
    }
    return el('div', { class: 'window' }, [el('span', { class: 'window-label', text: label }), bar, text]);
  }

  function infoOf(account) {
    var head = el('div', { class: 'account-head' }, [
      el('span', { class: 'alias', text: account.alias }),
      account.email ? el('span', { class: 'email', text: account.email }) : null,
      account.plan ? el('span', { class: 'plan', text: account.plan }) : null,
      el('span', { class: 'state', 'data-tone': account.state.tone, 'data-kind': account.state.kind, text: account.state.label + (account.pinned ? ', pinned' : '') }),
    ]);
    var reasons = account.state.reasons.length ? el('ul', { class: 'reasons' }, account.state.reasons.map(function (reason) { return el('li', { text: reason }); })) : null;
    var stats = el('div', { class: 'stats' });
    stats.appendChild(el('span', { class: 'requests-today', text: account.requestsToday + ' request' + (account.requestsToday === 1 ? '' : 's') + ' today' }));
    stats.appendChild(document.createTextNode(' · ' + account.requestsTotal + ' in all'));
    if (account.lastUsedAt) { stats.appendChild(document.createTextNode(' · last used ')); stats.appendChild(el('span', { 'data-relative': account.lastUsedAt, text: relative(account.lastUsedAt) })); }
    var error = null;
    if (account.lastError) {
      error = el('p', { class: 'last-error' }, [document.createTextNode('Last error '), el('span', { 'data-relative': account.lastError.at, text: relative(account.lastError.at) }), document.createTextNode(': ' + account.lastError.message)]);
    }
    var refresh = null;
    if (account.refresh) {
      var r = account.refresh;
      var busy = r.state === 'queued' || r.state === 'running';
      refresh = el('div', { class: 'refresh-state', 'data-state': r.state }, [
        busy ? el('progress', { max: 1, value: r.state === 'running' ? 0.5 : 0 }) : null,
        el('span', { text: r.state === 'queued' ? 'refresh queued' : r.state === 'running' ? 'refreshing…' : r.state === 'done' ? 'refreshed' : 'refresh ' + r.state + (r.reason ? ': ' + r.reason : '') }),
      ]);
    }
    return el('div', { class: 'info' }, [head, reasons, windowRow('5 hours', 'fiveHour', account.fiveHour), windowRow('weekly', 'weekly', account.weekly), stats, refresh, error]);
  }

  function actionsOf(card) {
    var current = function () { return card.account; };
    var refresh = el('button', { type: 'button', 'data-action': 'refresh', text: 'Refresh' });
    refresh.addEventListener('click', function () { act('/api/refresh', { accountId: current().id }).catch(function () {}); });
    var toggle = el('button', { type: 'button', 'data-action': 'toggle' });
    toggle.addEventListener('click', function () { act(accountPath(current(), current().enabled ? 'disable' : 'enable')).catch(function () {}); });
    var pinFor = el('select', { 'aria-label': 'Pin for', 'data-field': 'pin-for' }, [['30m', '30 min'], ['1h', '1 hour'], ['2h', '2 hours'], ['8h', '8 hours'], ['', 'until unpinned']].map(function (option) { return el('option', { value: option[0], text: option[1] }); }));
    var pin = el('button', { type: 'button', 'data-action': 'pin', text: 'Pin' });
    pin.addEventListener('click', function () { act(accountPath(current(), 'pin'), pinFor.value ? { for: pinFor.value } : {}).catch(function () {}); });
    var unpinButton = el('button', { type: 'button', 'data-action': 'unpin', text: 'Unpin' });
    unpinButton.addEventListener('click', function () { act('/api/unpin').catch(function () {}); });

    var renameInput = el('input', { 'aria-label': 'New alias', 'data-field': 'alias', maxlength: 64 });
    var renameSave = el('button', { type: 'button', 'data-action': 'rename-save', text: 'Save' });
    var renameCancel = el('button', { type: 'button', text: 'Cancel' });
    var renameForm = el('span', { class: 'confirm', hidden: true }, [renameInput, renameSave, renameCancel]);
    var rename = el('button', { type: 'button', 'data-action': 'rename', text: 'Rename' });
    rename.addEventListener('click', function () { renameInput.value = current().alias; renameForm.hidden = false; renameInput.focus(); renameInput.select(); });
    renameCancel.addEventListener('click', function () { renameForm.hidden = true; });
    function saveRename() { act(accountPath(current(), 'rename'), { alias: renameInput.value.trim() }).then(function () { renameForm.hidden = true; }, function () {}); }
    renameSave.addEventListener('click', saveRename);
    renameInput.addEventListener('keydown', function (event) { if (event.key === 'Enter') saveRename(); if (event.key === 'Escape') renameForm.hidden = true; });

    var removeText = el('span');
    var removeYes = el('button', { type: 'button', class: 'danger', 'data-action': 'remove-confirm', text: 'Yes, remove' });
    var removeNo = el('button', { type: 'button', text: 'Keep' });
    var removeConfirm = el('span', { class: 'confirm', hidden: true }, [removeText, removeYes, removeNo]);
    var remove = el('button', { type: 'button', class: 'danger', 'data-action': 'remove', text: 'Remove' });
    remove.addEventListener('click', function () { removeText.textContent = 'Remove ' + current().alias + '? Its tokens are deleted; sign in again to add it back.'; removeConfirm.hidden = false; });
    removeNo.addEventListener('click', function () { removeConfirm.hidden = true; });
    removeYes.addEventListener('click', function () { act(accountPath(current(), 'remove'), { confirmAlias: current().alias }).catch(function () {}); removeConfirm.hidden = true; });

    card.update = function (account) {
      toggle.textContent = account.enabled ? 'Disable' : 'Enable';
      var busy = account.refresh && (account.refresh.state === 'queued' || account.refresh.state === 'running');
      refresh.disabled = !!busy;
      pin.hidden = account.pinned; pinFor.hidden = account.pinned; unpinButton.hidden = !account.pinned;
    };
    return el('div', { class: 'actions' }, [refresh, toggle, pinFor, pin, unpinButton, rename, remove, renameForm, removeConfirm]);
  }

  function renderAccounts(accounts) {
    var container = $('accounts');
    var seen = new Set();
    accounts.forEach(function (account, index) {
      seen.add(account.id);
      var card = cards.get(account.id);
      if (!card) {
        card = { node: el('article', { class: 'account' }), info: null, json: '' };
        card.account = account;
        card.actions = actionsOf(card);
        card.node.appendChild(card.actions);
        cards.set(account.id, card);
      }
      card.account = account;
      card.node.setAttribute('data-account-id', account.id);
      card.node.setAttribute('data-alias', account.alias);
      card.node.setAttribute('data-enabled', String(account.enabled));
      var json = JSON.stringify(account);
      if (json !== card.json) {
        var info = infoOf(account);
        if (card.info) card.node.replaceChild(info, card.info); else card.node.insertBefore(info, card.actions);
        card.info = info;
        card.json = json;
        card.update(account);
      }
      if (container.children[index] !== card.node) container.insertBefore(card.node, container.children[index] || null);
    });
    cards.forEach(function (card, id) { if (!seen.has(id)) { card.node.remove(); cards.delete(id); } });
    $('empty').hidden = accounts.length > 0;
  }

  function renderRefreshProgress(accounts) {
    var tracked = accounts.filter(function (account) { return account.refresh; });
    var active = tracked.filter(function (account) { return account.refresh.state === 'queued' || account.refresh.state === 'running'; });
    var box = $('refresh-progress');
    box.hidden = active.length === 0;
    $('refresh-all').disabled = active.length > 0;
    if (active.length > 0) {
      $('refresh-meter').value = (tracked.length - active.length) / tracked.length;
      $('refresh-text').textContent = 'refreshing: ' + (tracked.length - active.length) + ' of ' + tracked.length + ' done';
    }
  }

  // ---- the timeline --------------------------------------------------------------------------------
  function renderTimeline(view) {
    var W = 900, H = 240, left = 40, right = 160, top = 12, bottom = 28;
    var plotW = W - left - right, plotH = H - top - bottom;
    var from = view.timeline.from, to = view.timeline.to;
    var x = function (at) { return left + ((at - from) / (to - from)) * plotW; };
    var y = function (percent) { return top + plotH - (percent / 100) * plotH; };
    var chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'Usage of each account over the last 24 hours', 'data-chart': 'timeline' });
    [0, 50, 100].forEach(function (percent) {
      chart.appendChild(svg('line', { class: 'grid', x1: left, x2: left + plotW, y1: y(percent), y2: y(percent) }));
      chart.appendChild(svg('text', { class: 'axis-label', x: left - 6, y: y(percent) + 4, 'text-anchor': 'end', text: percent + '%' }));
    });
    for (var hour = 0; hour <= 24; hour += 6) {
      var at = from + hour * 3600000;
      chart.appendChild(svg('line', { class: 'grid', x1: x(at), x2: x(at), y1: top, y2: top + plotH }));
      chart.appendChild(svg('text', { class: 'axis-label', x: x(at), y: H - 8, 'text-anchor': 'middle', text: hour === 24 ? 'now' : clockTime(at) }));
    }
    view.accounts.forEach(function (account, index) {
      var color = COLORS[index % COLORS.length];
      ['fiveHour', 'weekly'].forEach(function (name) {
        var points = account.timeline[name];
        if (!points.length) return;
        var path = points.map(function (point, i) { return (i ? 'L' : 'M') + x(point[0]).toFixed(1) + ' ' + y(point[1]).toFixed(1); }).join(' ');
        // Carry the last observation to now: usage stays where it was last seen until the next snapshot.
        path += ' L' + x(to).toFixed(1) + ' ' + y(points[points.length - 1][1]).toFixed(1);
        var line = svg('path', { d: path, fill: 'none', stroke: color, 'stroke-width': 2, 'data-account-id': account.id, 'data-window': name });
        if (name === 'weekly') line.setAttribute('stroke-dasharray', '5 4');
        chart.appendChild(line);
        points.forEach(function (point) { chart.appendChild(svg('circle', { cx: x(point[0]), cy: y(point[1]), r: 2.5, fill: color })); });
      });
      var legendY = top + 14 + index * 18;
      chart.appendChild(svg('rect', { x: W - right + 12, y: legendY - 9, width: 12, height: 4, fill: color }));
      chart.appendChild(svg('text', { class: 'legend', x: W - right + 30, y: legendY - 3, text: account.alias }));
    });
    var box = $('timeline');
    box.replaceChildren(chart);
  }

  // ---- the whole page ------------------------------------------------------------------------------
  function render(view) {
    state = view;
    clockSkew = view.generatedAt - Date.now();
    renderAccounts(view.accounts);
    renderRefreshProgress(view.accounts);
    renderTimeline(view);
    var banner = $('pin-banner');
    banner.hidden = !view.pin;
    if (view.pin) $('pin-text').textContent = 'Every request goes to ' + view.pin.alias + (view.pin.until ? ' until ' + clockTime(view.pin.until) : ' until unpinned') + '.';
    var signIn = $('sign-in-status');
    signIn.hidden = !view.signIn;
    if (view.signIn) {
      signIn.textContent = 'Sign-in: ' + view.signIn.message;
      if (view.signIn.url) { signIn.appendChild(document.createTextNode(' If no tab opened, open ')); signIn.appendChild(el('a', { href: view.signIn.url, target: '_blank', rel: 'noopener noreferrer', text: 'the sign-in page' })); }
    }
    document.body.setAttribute('data-ready', 'true');
  }

  function tick() {
    document.querySelectorAll('[data-relative]').forEach(function (node) { node.textContent = relative(Number(node.getAttribute('data-relative'))); });
  }

  function connect() {
    var source = new EventSource('/api/events');
    var status = $('connection');
    source.addEventListener('open', function () { status.textContent = 'live'; status.setAttribute('data-state', 'live'); });
    source.addEventListener('state', function (event) { render(JSON.parse(event.data)); });
    source.addEventListener('problem', function (event) { notice(JSON.parse(event.data).message, 'bad'); });
    source.addEventListener('error', function () { status.textContent = 'reconnecting…'; status.setAttribute('data-state', 'lost'); });
  }

  $('refresh-all').addEventListener('click', function () { act('/api/refresh', {}).catch(function () {}); });
  $('unpin').addEventListener('click', function () { act('/api/unpin').catch(function () {}); });
  $('sign-in').addEventListener('click', function () {
    var alias = $('sign-in-alias').value.trim();
    post('/api/sign-in', alias ? { alias: alias } : {}).then(function (status) {
      if (status.url) window.open(status.url, '_blank', 'noopener');
      notice('Sign-in started in a new tab.', 'ok', status.url || undefined);
    }, function (error) { notice(error.message, 'bad'); });
  });
  setInterval(tick, 1000);
  connect();
})();
`;
