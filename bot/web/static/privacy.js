/*
 * The supervisors' privacy page (/agent/privacy): look a customer up, see or download what is
 * held about them (POST /api/privacy/export), erase it after a confirmation that says how much
 * goes (POST /api/privacy/erase, first with "preview"), and read the audit log
 * (GET /api/privacy/audit). It uses the console's session (sessionStorage["aurora_agent_token"])
 * and its words from /api/privacy/texts (bot/web/i18n/privacy/<language>.yml).
 * Everything from the server goes in with textContent.
 */
(function () {
  'use strict';

  var TOKEN_KEY = 'aurora_agent_token';
  var LANGUAGE_KEY = 'aurora_privacy_language';
  var state = { token: sessionStorage.getItem(TOKEN_KEY), texts: {}, language: '', download: null };

  function $(id) { return document.getElementById(id); }

  function t(key, values) {
    var text = state.texts[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split('{' + k + '}').join(String(values[k])); });
    return text;
  }

  function api(method, path, body) {
    var headers = { Authorization: 'Bearer ' + state.token };
    if (body) headers['Content-Type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, cache: 'no-store' })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) { var error = new Error(data.error || ('HTTP ' + r.status)); error.status = r.status; throw error; }
          return data;
        });
      });
  }

  function notice(text) { $('notice').textContent = text; $('notice').hidden = !text; }

  function failed(error) {
    if (error.status === 401) notice(t('log_in_first'));
    else if (error.status === 403) notice(t('only_supervisors'));
    else notice(t('failed', { error: error.message }));
  }

  function selector() {
    var body = {};
    body[$('kind').value] = $('value').value.trim();
    return body;
  }

  function showResult(text, lines) {
    $('result').hidden = false;
    $('result-text').textContent = text;
    var list = $('result-stores');
    list.textContent = '';
    (lines || []).forEach(function (line) { var item = document.createElement('li'); item.textContent = line; list.appendChild(item); });
  }

  function storeLine(name, removed) {
    if (name === 'event_broker') return t('store_event_broker') + ': ' + t(removed.published ? 'broker_told' : 'broker_not_told');
    return t('store_' + name) + ': ' + Object.keys(removed).map(function (k) { return t('count_' + k) + ' ' + removed[k]; }).join(', ');
  }

  function show(event) {
    event.preventDefault();
    notice('');
    api('POST', '/api/privacy/export', selector()).then(function (doc) {
      var subject = $('value').value.trim();
      var counts = { subject: subject, conversations: doc.conversations.length, cases: doc.cases.length };
      showResult(t(counts.conversations || counts.cases ? 'held' : 'nothing_held', counts));
      if (state.download) URL.revokeObjectURL(state.download);
      state.download = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 1)], { type: 'application/json' }));
      $('download').href = state.download;
      $('download').hidden = false;
      loadAudit();
    }).catch(failed);
  }

  function erase() {
    notice('');
    if (!$('value').value.trim()) return $('value').reportValidity();
    var preview = selector();
    preview.preview = true;
    api('POST', '/api/privacy/erase', preview).then(function (answer) {
      var counts = answer.preview;
      var subject = $('value').value.trim();
      if (!window.confirm(t('confirm_erase', { subject: subject, conversations: counts.conversations, cases: counts.cases }))) return null;
      return api('POST', '/api/privacy/erase', selector()).then(function (report) {
        $('download').hidden = true;
        showResult(t('erased', { subject: report.subject }),
          Object.keys(report.stores).map(function (name) { return storeLine(name, report.stores[name]); }));
        loadAudit();
      });
    }).catch(failed);
  }

  function loadAudit() {
    api('GET', '/api/privacy/audit?limit=100').then(function (data) {
      var body = $('audit').querySelector('tbody');
      body.textContent = '';
      data.entries.forEach(function (entry) {
        var row = document.createElement('tr');
        var about = entry.subject || (entry.case_id ? t('case_number', { id: entry.case_id }) : '');
        [new Date(entry.at).toLocaleString(state.language), entry.actor, t('action_' + entry.action), about].forEach(function (value) {
          var cell = document.createElement('td'); cell.textContent = value; row.appendChild(cell);
        });
        body.appendChild(row);
      });
    }).catch(failed);
  }

  function applyTexts() {
    document.documentElement.lang = state.language;
    document.querySelectorAll('[data-t]').forEach(function (node) { node.textContent = t(node.getAttribute('data-t')); });
    document.querySelectorAll('[data-t-placeholder]').forEach(function (node) { node.placeholder = t(node.getAttribute('data-t-placeholder')); });
    document.title = 'Aurora — ' + t('title');
  }

  function loadTexts(language) {
    return fetch('/api/privacy/texts' + (language ? '?lang=' + encodeURIComponent(language) : ''), { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        state.texts = data.texts;
        state.language = data.language;
        var select = $('page-language');
        select.textContent = '';
        data.languages.forEach(function (code) {
          var option = document.createElement('option');
          option.value = code; option.textContent = code.toUpperCase(); option.selected = code === data.language;
          select.appendChild(option);
        });
        applyTexts();
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    loadTexts(localStorage.getItem(LANGUAGE_KEY)).then(function () {
      if (!state.token) return notice(t('log_in_first'));
      loadAudit();
    });
    $('page-language').addEventListener('change', function () {
      localStorage.setItem(LANGUAGE_KEY, this.value);
      loadTexts(this.value);
    });
    $('lookup').addEventListener('submit', show);
    $('erase').addEventListener('click', erase);
  });
})();
