// Paperboy: progressive enhancement only. Every page works without this file;
// with it, forms fill in the visitor's time zone, BibTeX copies with one
// click, and votes and saves happen without a page reload.
(function () {
  'use strict';

  function fillTimezone() {
    var zone = '';
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch (e) {
      zone = '';
    }
    if (!zone) return;
    document.querySelectorAll('input[data-fill="timezone"]').forEach(function (input) {
      if (!input.value) input.value = zone;
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Plain-HTTP deployments have no Clipboard API: select and copy the old way.
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error('copy failed'));
  }

  function enableCopyButtons() {
    document.querySelectorAll('button[data-copy-target]').forEach(function (button) {
      var target = document.getElementById(button.getAttribute('data-copy-target'));
      if (!target) return;
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener('click', function () {
        copyText(target.textContent).then(
          function () { button.textContent = 'Copied!'; },
          function () { button.textContent = 'Select the text to copy'; }
        );
        setTimeout(function () { button.textContent = label; }, 2500);
      });
    });
  }

  function formatCount(n) {
    if (n < 1000) return String(n);
    if (n < 10000) return (n / 1000).toFixed(1).replace(/\.0$/, '') + 'k';
    return Math.round(n / 1000) + 'k';
  }

  // The server answers JSON when asked; the form's hidden field flips for the next click.
  function updateVote(form, data) {
    var button = form.querySelector('button');
    var count = form.querySelector('.vote-count');
    var hidden = form.querySelector('.visually-hidden');
    form.querySelector('input[name="vote"]').value = data.voted ? '0' : '1';
    button.setAttribute('aria-pressed', data.voted ? 'true' : 'false');
    button.title = data.voted ? 'Remove your upvote' : 'Upvote';
    if (count) count.textContent = formatCount(data.votes);
    if (hidden) hidden.textContent = ' ' + data.votes + (data.votes === 1 ? ' upvote' : ' upvotes') + (data.voted ? ', upvoted by you' : '');
  }

  function updateSave(form, data) {
    var button = form.querySelector('button');
    form.querySelector('input[name="save"]').value = data.saved ? '0' : '1';
    button.setAttribute('aria-pressed', data.saved ? 'true' : 'false');
    button.textContent = data.saved ? 'Saved' : 'Save';
  }

  function enhanceForms() {
    document.addEventListener('submit', function (event) {
      var form = event.target;
      var kind = form.getAttribute && form.getAttribute('data-enhance');
      if (kind !== 'vote' && kind !== 'save') return;
      if (!window.fetch || !window.URLSearchParams) return;
      event.preventDefault();
      if (form.classList.contains('busy')) return;
      form.classList.add('busy');
      fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(new FormData(form)).toString(),
      })
        .then(function (response) {
          if (response.status === 401) {
            window.location.href = '/sign-in?next=' + encodeURIComponent(window.location.pathname + window.location.search);
            return null;
          }
          if (!response.ok) throw new Error('HTTP ' + response.status);
          return response.json();
        })
        .then(function (data) {
          if (!data) return;
          if (kind === 'vote') updateVote(form, data);
          else updateSave(form, data);
        })
        .catch(function () {
          // Fall back to the plain form post, which shows the server's answer.
          form.submit();
        })
        .then(function () { form.classList.remove('busy'); });
    });
  }

  // Slow parts of a page (similar papers) are links without JavaScript; with it,
  // they load in place once scrolled into view.
  function loadDeferred() {
    var holders = document.querySelectorAll('[data-load]');
    if (!holders.length || !window.fetch) return;
    function load(holder) {
      fetch(holder.getAttribute('data-load'), { credentials: 'same-origin' })
        .then(function (response) {
          if (!response.ok) throw new Error('HTTP ' + response.status);
          return response.text();
        })
        .then(function (markup) {
          // Same-origin HTML that the server escaped; parsed inertly, then moved in.
          var doc = new DOMParser().parseFromString(markup, 'text/html');
          holder.replaceChildren.apply(holder, Array.prototype.slice.call(doc.body.childNodes));
        })
        .catch(function () { /* the link stays */ });
    }
    if (!('IntersectionObserver' in window)) {
      holders.forEach(load);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        load(entry.target);
      });
    }, { rootMargin: '200px' });
    holders.forEach(function (holder) { observer.observe(holder); });
  }

  function start() {
    loadDeferred();
    fillTimezone();
    enableCopyButtons();
    enhanceForms();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
