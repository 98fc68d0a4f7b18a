/*
 * The insights page (/agent/insights) for supervisors. It uses the console's session (the token
 * in sessionStorage["aurora_agent_token"], set by /agent's log-in), reads the figures from
 * GET /api/insights/page, the conversations behind a figure from /api/insights/conversations, and
 * its words from /api/insights/texts (bot/web/i18n/insights/<language>.yml).
 * Texts go in with textContent; the pictures are the server's SVG (bot/insights/charts.py),
 * parsed as SVG documents, never as HTML.
 */
(function () {
  'use strict';

  var TOKEN_KEY = 'aurora_agent_token';
  var LANGUAGE_KEY = 'aurora_insights_language';
  var state = { token: null, texts: {}, language: '', languages: [] };

  function $(id) { return document.getElementById(id); }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function t(key, values) {
    var text = state.texts[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split('{' + k + '}').join(String(values[k])); });
    return text;
  }

  function api(path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + state.token }, cache: 'no-store' }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) { var error = new Error(body.error || ('HTTP ' + r.status)); error.status = r.status; throw error; }
        return body;
      });
    });
  }

  function notice(text) { $('notice').textContent = text; $('notice').hidden = !text; }

  function filters() {
    var params = new URLSearchParams();
    params.set('from', $('from').value);
    params.set('to', $('to').value);
    if ($('channel').value) params.set('channel', $('channel').value);
    if ($('language').value) params.set('language', $('language').value);
    params.set('lang', state.language);
    return params;
  }

  // -- numbers in words ------------------------------------------------------------------
  function percent(v) { return v === null || v === undefined ? '–' : (Math.round(v * 1000) / 10) + ' %'; }
  function plain(v) { return v === null || v === undefined ? '–' : String(v); }
  function ms(v) { return v === null || v === undefined ? '–' : (v < 1000 ? Math.round(v) + ' ms' : (Math.round(v / 100) / 10) + ' s'); }
  function duration(s) {
    if (s === null || s === undefined) return '–';
    if (s < 90) return Math.round(s) + ' s';
    if (s < 5400) return Math.round(s / 60) + ' min';
    return (Math.round(s / 360) / 10) + ' h';
  }
  function money(v, currency) { return v === null || v === undefined ? '–' : v.toFixed(2) + ' ' + currency; }

  // -- figures ---------------------------------------------------------------------------
  function card(key, value, detail, figure) {
    var button = el('button', null, { type: 'button', 'class': 'card', 'data-kpi': key });
    button.appendChild(el('span', t('kpi_' + key), { 'class': 'label' }));
    button.appendChild(el('span', value, { 'class': 'value' }));
    if (detail) button.appendChild(el('span', detail, { 'class': 'detail' }));
    button.addEventListener('click', function () { showFigure(figure, '', t('kpi_' + key)); });
    return button;
  }

  function renderKpis(k) {
    var box = $('kpis');
    box.textContent = '';
    var cost = k.cost;
    [
      card('conversations', plain(k.conversations), null, 'all'),
      card('containment_rate', percent(k.containment_rate), plain(k.contained), 'contained'),
      card('handoff_rate', percent(k.handoff_rate), plain(k.handoffs), 'handed_over'),
      card('resolution_rate', percent(k.resolution_rate), null, 'resolved_by_person'),
      card('fcr_rate', percent(k.fcr_rate), null, 'fcr_missed'),
      card('bot_response_ms_p50', ms(k.bot_response_ms_p50), null, 'answered'),
      card('human_first_response_s_p50', duration(k.human_first_response_s_p50), null, 'handed_over'),
      card('resolution_time_s_p50', duration(k.resolution_time_s_p50), null, 'resolved_by_person'),
      card('csat_avg', plain(k.csat_avg), t('answers', { count: k.csat_count }), 'handed_over'),
      card('nps', plain(k.nps), t('answers', { count: k.nps_count }), 'all'),
      card('ces_avg', plain(k.ces_avg), t('answers', { count: k.ces_count }), 'all'),
      card('total_cost', money(cost.total_cost, cost.currency),
           t('cost_detail', { agent: money(cost.agent_cost, cost.currency), bot: money(cost.bot_cost, cost.currency) }), 'handed_over'),
      card('savings', money(cost.savings, cost.currency), null, 'contained')
    ].forEach(function (c) { box.appendChild(c); });
  }

  function renderCharts(charts) {
    Object.keys(charts).forEach(function (name) {
      var holder = $('chart-' + name);
      if (!holder) return;
      holder.textContent = '';
      var parsed = new DOMParser().parseFromString(charts[name], 'image/svg+xml');
      if (parsed.documentElement.nodeName === 'svg') holder.appendChild(document.importNode(parsed.documentElement, true));
    });
  }

  function chartClicked(event) {
    var target = event.target;
    var link = target && target.closest ? target.closest('a') : null;
    if (!link || !link.getAttribute('data-figure')) return;
    event.preventDefault();
    var title = link.querySelector('title');
    showFigure(link.getAttribute('data-figure'), link.getAttribute('data-value'), title ? title.textContent : '');
  }

  // -- the conversations behind a figure ----------------------------------------------------
  function showRows(title, rows, total) {
    $('list').hidden = false;
    $('list-title').textContent = title;
    var head = $('list-table').tHead, body = $('list-table').tBodies[0];
    head.textContent = ''; body.textContent = '';
    var tr = el('tr');
    ['col_started', 'col_channel', 'col_language', 'col_topic', 'col_outcome', 'col_case'].forEach(function (k) { tr.appendChild(el('th', t(k))); });
    head.appendChild(tr);
    rows.forEach(function (row) {
      var line = el('tr', null, { 'data-conversation': row.conversation_id });
      line.appendChild(el('td', row.started_at.replace('T', ' ').slice(0, 16)));
      line.appendChild(el('td', row.channel));
      line.appendChild(el('td', row.language));
      line.appendChild(el('td', row.topic || '–'));
      line.appendChild(el('td', t('outcome_' + row.outcome) === 'outcome_' + row.outcome ? row.outcome : t('outcome_' + row.outcome)));
      var cell = el('td');
      if (row.case_id) cell.appendChild(el('a', '#' + row.case_id + ' · ' + t('open_case'), { href: '/agent#case-' + row.case_id }));
      line.appendChild(cell);
      body.appendChild(line);
    });
    $('list-note').textContent = rows.length ? (total > rows.length ? t('list_more', { shown: rows.length, total: total }) : '') : t('list_empty');
    $('list').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  function showFigure(figure, value, title) {
    var params = filters();
    params.set('figure', figure);
    params.set('value', value || '');
    api('/api/insights/conversations?' + params.toString()).then(function (found) {
      showRows(title, found.conversations, found.total);
    }).catch(function (error) { notice(t('error') + ' ' + error.message); });
  }

  // -- operations and churn -----------------------------------------------------------------
  function table(id, columns, rows, cells, onClick) {
    var holder = $(id);
    holder.textContent = '';
    if (!rows.length) { holder.appendChild(el('caption', t('no_data'))); return; }
    var head = el('tr');
    columns.forEach(function (k) { head.appendChild(el('th', t(k))); });
    holder.appendChild(head);
    rows.forEach(function (row) {
      var tr = el('tr', null, onClick ? { 'class': 'clickable' } : {});
      cells(row).forEach(function (cell) {
        var td = el('td');
        if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell;
        tr.appendChild(td);
      });
      if (onClick) tr.addEventListener('click', function () { onClick(row); });
      holder.appendChild(tr);
    });
  }

  function renderOperations(ops) {
    var open = function (title) { return function (row) { showRows(title(row), row.conversations, row.conversations.length); }; };
    table('ops-reasons', ['col_category', 'col_topic', 'col_contacts'], ops.contact_reasons_by_category,
      function (r) { return [r.category, r.topic, r.contacts]; }, open(function (r) { return r.category + ' · ' + r.topic; }));
    table('ops-late', ['col_carrier', 'col_contacts'], ops.late_carriers,
      function (r) { return [r.carrier, r.contacts]; }, open(function (r) { return r.carrier; }));
    table('ops-damaged', ['col_product', 'col_contacts'], ops.damaged_products,
      function (r) { return [r.product, r.contacts]; }, open(function (r) { return r.product; }));
    table('ops-not-understood', ['col_language', 'col_predicted', 'col_contacts', 'col_examples'], ops.not_understood,
      function (r) { return [r.language, r.predicted, r.messages, r.examples.join(' · ')]; });
  }

  function renderChurn(churn) {
    table('churn-table', ['col_customer', 'col_last_contact', 'col_why', 'col_last_order', 'col_case'], churn.customers, function (r) {
      var link = r.case_id ? el('a', '#' + r.case_id + ' · ' + t('open_case'), { href: '/agent#case-' + r.case_id }) : '–';
      return [(r.name || '') + ' (' + r.customer_id + ')', r.last_contact,
              r.reasons.map(function (k) { return t('why_' + k); }).join(', '), r.last_order || '–', link];
    });
    $('churn-unidentified').textContent = churn.unidentified ? t('churn_unidentified', { count: churn.unidentified }) : '';
  }

  function renderHelp() {
    var list = $('help-list');
    list.textContent = '';
    ['conversations', 'contained', 'handoff', 'resolution', 'fcr', 'bot_response', 'human_response', 'resolution_time',
     'csat', 'nps', 'ces', 'cost', 'churn'].forEach(function (k) { list.appendChild(el('li', t('help_' + k))); });
  }

  // -- loading -----------------------------------------------------------------------------
  function load() {
    notice('');
    $('status').textContent = t('loading');
    return api('/api/insights/page?' + filters().toString()).then(function (page) {
      renderKpis(page.kpis);
      renderCharts(page.charts);
      renderOperations(page.operations);
      renderChurn(page.churn);
      $('status').textContent = '';
      document.body.setAttribute('data-loaded', 'true');
    }).catch(function (error) {
      $('status').textContent = '';
      notice(error.status === 401 ? t('log_in_first') : error.status === 403 ? t('supervisors_only') : t('error') + ' ' + error.message);
    });
  }

  function applyTexts() {
    document.documentElement.lang = state.language;
    document.title = 'Aurora — ' + t('title');
    Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (node) { node.textContent = t(node.getAttribute('data-t')); });
    var picker = $('page-language');
    picker.textContent = '';
    state.languages.forEach(function (code) {
      var option = el('option', code.toUpperCase(), { value: code });
      if (code === state.language) option.selected = true;
      picker.appendChild(option);
    });
    renderHelp();
  }

  function loadTexts(language) {
    return fetch('/api/insights/texts?lang=' + encodeURIComponent(language || ''), { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (body) { state.texts = body.texts; state.language = body.language; state.languages = body.languages; applyTexts(); });
  }

  function isoDay(date) { return date.toISOString().slice(0, 10); }

  function start() {
    var query = new URLSearchParams(location.search);
    var stored = null;
    try { state.token = sessionStorage.getItem(TOKEN_KEY); stored = localStorage.getItem(LANGUAGE_KEY); } catch (e) { /* storage disabled */ }
    var language = query.get('lang') || stored || (navigator.language || '').slice(0, 2);
    var today = new Date();
    $('to').value = query.get('to') || isoDay(today);
    $('from').value = query.get('from') || isoDay(new Date(today.getTime() - 29 * 86400000));
    if (query.get('channel')) $('channel').value = query.get('channel');
    if (query.get('language')) $('language').value = query.get('language');
    document.querySelector('.charts').addEventListener('click', chartClicked);
    $('list-close').addEventListener('click', function () { $('list').hidden = true; });
    $('filters').addEventListener('submit', function (event) { event.preventDefault(); load(); });
    $('page-language').addEventListener('change', function () {
      try { localStorage.setItem(LANGUAGE_KEY, this.value); } catch (e) { /* storage disabled */ }
      loadTexts(this.value).then(load);
    });
    loadTexts(language).then(function () {
      if (!state.token) { notice(t('log_in_first')); return; }
      load();
    });
  }

  document.addEventListener('DOMContentLoaded', start);
})();
