/**
 * @module app/display/page
 * The customer-facing display's page, script and style: a plain page (no app bundle, no
 * `window.pos`) that follows `/display/events` (Server-Sent Events, read-only) and shows the
 * welcome, the amount with its QR, or PAID. Text goes in with textContent only; the QR is an
 * <img> the server draws. The token rides in the query of each URL the page uses.
 */

/** The page; `token` is hex (checked by the caller), so it is safe inside attributes. */
export function displayHtml(token: string): string {
  const k = encodeURIComponent(token)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Customer display</title>
<link rel="stylesheet" href="/display/app.css?k=${k}">
<script src="/display/app.js?k=${k}" defer></script>
</head>
<body>
<main id="screen" class="screen idle" data-testid="display" data-state="connecting">
  <p id="shop" class="shop" data-testid="display-shop"></p>
  <section id="idle" class="panel">
    <h1 data-testid="display-welcome">Welcome</h1>
    <p class="hint">Your total will appear here.</p>
  </section>
  <section id="waiting" class="panel" hidden>
    <p class="label">Amount to pay</p>
    <p id="amount" class="amount" data-testid="display-amount"></p>
    <img id="qr" class="qr" data-testid="display-qr" alt="QR code to pay with a Paykit wallet">
    <p class="hint">Scan with your Paykit wallet</p>
  </section>
  <section id="paid" class="panel" hidden>
    <p class="tick" aria-hidden="true">&#10003;</p>
    <h1 data-testid="display-paid">PAID</h1>
    <p id="paid-amount" class="amount small" data-testid="display-paid-amount"></p>
    <p class="hint">Thank you!</p>
  </section>
  <p id="offline" class="offline" data-testid="display-offline" hidden>Reconnecting to the till…</p>
</main>
</body>
</html>
`
}

export const DISPLAY_CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #0f172a; color: #f8fafc; }
.screen { min-height: 100%; display: flex; flex-direction: column; align-items: center; justify-content: center; padding: 32px; text-align: center; gap: 12px; }
.shop { margin: 0; font-size: 22px; letter-spacing: .04em; text-transform: uppercase; color: #94a3b8; }
.panel { display: flex; flex-direction: column; align-items: center; gap: 12px; }
.panel[hidden], .offline[hidden] { display: none; }
h1 { margin: 0; font-size: 64px; }
.label { margin: 0; font-size: 20px; color: #cbd5e1; }
.amount { margin: 0; font-size: 56px; font-weight: 700; font-variant-numeric: tabular-nums; }
.amount.small { font-size: 36px; }
.qr { width: min(60vh, 80vw); height: min(60vh, 80vw); background: #fff; border-radius: 12px; padding: 8px; }
.hint { margin: 0; font-size: 20px; color: #cbd5e1; }
.screen.paid { background: #166534; }
.screen.paid .hint, .screen.paid .shop { color: #dcfce7; }
.tick { margin: 0; font-size: 96px; line-height: 1; }
.offline { position: fixed; bottom: 16px; left: 0; right: 0; margin: 0; color: #fbbf24; }
`

/** Plain ES2020, run as is by any tablet browser. */
export const DISPLAY_JS = String.raw`(function () {
  'use strict';
  var k = new URLSearchParams(location.search).get('k') || '';
  var $ = function (id) { return document.getElementById(id); };
  function money(n, currency) {
    if (currency === 'SAT') return n.toLocaleString('en-US') + ' sats';
    return n.toLocaleString('en-US') + ' ' + currency;
  }
  function show(s) {
    var screen = $('screen');
    screen.className = 'screen ' + s.kind;
    screen.setAttribute('data-state', s.kind);
    $('shop').textContent = s.shopName || '';
    $('idle').hidden = s.kind !== 'idle';
    $('waiting').hidden = s.kind !== 'waiting';
    $('paid').hidden = s.kind !== 'paid';
    if (s.kind === 'waiting') {
      $('amount').textContent = money(s.totalMinor, s.currency);
      var src = '/display/qr.svg?k=' + encodeURIComponent(k) + '&c=' + encodeURIComponent(s.checkoutId);
      if ($('qr').getAttribute('src') !== src) $('qr').setAttribute('src', src);
    } else if (s.kind === 'paid') {
      $('paid-amount').textContent = money(s.totalMinor, s.currency);
    }
  }
  function start() {
    var es = new EventSource('/display/events?k=' + encodeURIComponent(k));
    es.addEventListener('open', function () { $('offline').hidden = true; });
    es.addEventListener('message', function (m) {
      try { show(JSON.parse(m.data)); } catch (e) { /* a broken frame: keep the last screen */ }
    });
    es.addEventListener('error', function () { $('offline').hidden = false; });
  }
  start();
})();
`
