// Live figures for the dashboard pages. The pages are complete without this script: it only
// re-reads the page the reader is on when the log shows a change that concerns it, and swaps the
// regions marked data-live-region for their new version, announcing it to screen readers.
(function () {
  'use strict';
  var main = document.getElementById('contenu');
  if (!main || !main.dataset.liveStreams || typeof window.EventSource !== 'function' || typeof window.DOMParser !== 'function') return;

  var streams = main.dataset.liveStreams.split(' ');
  var types = (main.dataset.liveEvents || '').split(' ').filter(Boolean);
  var status = document.getElementById('live-status');
  var note = main.querySelector('.live-note');
  var timer = null;
  var running = false;
  var again = false;

  function concerns(event) {
    return streams.indexOf('*') >= 0 || streams.indexOf(event.stream) >= 0;
  }

  function focusables(root) {
    return Array.prototype.slice.call(root.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]'));
  }

  // Keeps what the reader did inside a region: which details were open, where the focus was.
  function swap(current, next) {
    var open = Array.prototype.map.call(current.querySelectorAll('details'), function (d) { return d.open; });
    var focused = current.contains(document.activeElement) ? focusables(current).indexOf(document.activeElement) : -1;
    var fresh = document.importNode(next, true);
    Array.prototype.forEach.call(fresh.querySelectorAll('details'), function (d, i) { if (i < open.length) d.open = open[i]; });
    current.replaceWith(fresh);
    if (focused >= 0) {
      var target = focusables(fresh)[focused];
      if (target) target.focus({ preventScroll: true });
    }
  }

  function refresh() {
    timer = null;
    if (running) { again = true; return; }
    running = true;
    fetch(window.location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (text === null) return;
        var next = new DOMParser().parseFromString(text, 'text/html');
        var changed = 0;
        Array.prototype.forEach.call(document.querySelectorAll('[data-live-region]'), function (region) {
          var replacement = region.id ? next.getElementById(region.id) : null;
          if (!replacement || replacement.innerHTML === region.innerHTML) return;
          swap(region, replacement);
          changed += 1;
        });
        if (changed && status) {
          var now = new Date();
          status.textContent = 'Données mises à jour à ' + now.toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
        }
      })
      .catch(function () { /* The next event tries again. */ })
      .then(function () {
        running = false;
        if (again) { again = false; schedule(); }
      });
  }

  // A burst of writes (a spreadsheet import) becomes one refresh.
  function schedule() {
    if (timer === null) timer = window.setTimeout(refresh, 250);
  }

  var source = new EventSource('/api/events/stream?from=' + encodeURIComponent(main.dataset.liveFrom || ''));
  source.addEventListener('open', function () { if (note) note.hidden = false; });
  types.forEach(function (type) {
    source.addEventListener(type, function (message) {
      try {
        if (concerns(JSON.parse(message.data))) schedule();
      } catch (e) { /* Not an event of ours. */ }
    });
  });
  window.addEventListener('pagehide', function () { source.close(); });
})();
