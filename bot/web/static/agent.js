/* Aurora agent console: the page at /agent (bot/web/templates/agent.html, bot/web/static/agent.css).
 *
 * Vanilla JavaScript, no framework, nothing loaded from another host. It uses exactly the JSON API
 * described in bot/web/openapi.yml (same origin, "Authorization: Bearer <token>"); the token lives in
 * sessionStorage["aurora_agent_token"], so it ends with the tab.
 *
 * Security: everything that comes from the API (customer text above all) reaches the page through
 * textContent, createElement and setAttribute only -- never innerHTML -- so it is always inert text.
 * Only http(s) links are ever made clickable.
 *
 * Live updates: GET /api/events read with fetch() (EventSource cannot send the Authorization header),
 * the text/event-stream parsed here; each `update` event refetches the queue and, when it is among
 * the event's case_ids, the open case. A dropped stream reconnects with backoff (1 s doubling to
 * 30 s); a stream silent for 45 s (the server sends a comment every 15 s) counts as dropped.
 * Waiting times tick every 30 s. Any 401 from the API returns to the login form with a message.
 *
 * Stable selectors (tests rely on them; keep them when changing the page):
 *   #login-view  #login-form  #username  #password  #login-submit
 *   #login-error[data-kind="error"|"info"]          wrong password, too many attempts, session expired
 *   #app  #agent-name  #logout  #live-status[data-state="off"|"connecting"|"live"]
 *   #notice[data-kind="error"|"info"|"success"]  #notice-text  #notice-close    API errors and confirmations
 *   #tab-open  #tab-closed  #count-open  #queue[data-status="open"|"closed"]  #queue-empty
 *   #queue .case[data-case-id][data-priority][data-status][data-agent][data-unread][aria-current]
 *       .priority  .reason  .wait  .customer  .status  .lang  .channel  .summary  .csat
 *   #case[data-case-id][data-status][data-agent][data-mine]  #case-title  #case-meta  #case-empty
 *   #claim (text "Claim" or "Take over")  #handback  #resolve
 *   #confirm-dialog  #confirm-text  #confirm-ok  #confirm-cancel       take-over confirmation
 *   #transcript .item[data-sender="customer"|"bot"|"agent"][data-kind][data-delivered]
 *       .text  .time  .sender-label  .buttons  .undelivered
 *   #reply-form  #reply-text  #reply-send  #canned (a <select>; choosing inserts the text)  #reply-hint
 *   #notes li.note  #note-form  #note-text  #note-add
 *   #context[data-case-id]  #ctx-customer  #ctx-tier[data-tier]  .vip-badge  #ctx-identity[data-verified]
 *       #ctx-anger  #ctx-reason  #ctx-csat  #ctx-lookups  #ctx-slots  #ctx-intents  #ctx-entities  #ctx-earlier
 */
(function () {
  'use strict';

  var TOKEN_KEY = 'aurora_agent_token';
  var TICK_MS = 30000;
  var STREAM_SILENCE_MS = 45000;
  var BACKOFF_MIN_MS = 1000;
  var BACKOFF_MAX_MS = 30000;
  var OPEN_STATUSES = ['pending', 'ticket', 'assigned'];
  var STATUSES = ['pending', 'ticket', 'assigned', 'resolved', 'handed_back'];
  var PRIORITIES = ['urgent', 'high', 'normal'];
  var CHANNELS = { socketio: 'Web chat', whatsapp: 'WhatsApp', rest: 'API' };
  var STATUS_LABELS = { pending: 'Pending', ticket: 'Ticket', assigned: 'Assigned', resolved: 'Resolved', handed_back: 'Handed back' };
  var SENDER_LABELS = { customer: 'Customer', bot: 'Bot', agent: 'Agent' };
  var KEY_LABELS = {
    order_id: 'Order', eta: 'ETA', estimated_delivery: 'ETA', tracking_number: 'Tracking number', tracking_url: 'Tracking link',
    orders_count: 'Orders', customer_since: 'Customer since', open_incidents: 'Open incidents', csat: 'CSAT',
    rma: 'RMA', id: 'ID', url: 'Link', sku: 'SKU', qty: 'Quantity', total_eur: 'Total (€)', price_eur: 'Price (€)',
  };
  var SECRET_KEY = /token|secret|password/i;

  // ---------------------------------------------------------------------------------------------
  // state

  var state = {
    token: null,
    me: null,              // {username, display_name}
    tab: 'open',
    cases: [],             // the queue as the API returned it
    fetchedAt: 0,          // Date.now() when `cases` arrived (waiting times tick from there)
    selectedId: null,
    current: null,         // the open case (with transcript, context, notes)
    currentFetchedAt: 0,
    queueSeq: 0,
    caseSeq: 0,
    drafts: {},            // case id -> unsent reply text
    seen: {},              // case id -> last_message_at when the agent last had it open
    canned: {},            // language -> [{key, title, text}]
    stream: null,          // {gen, controller}
    streamGen: 0,
    backoffMs: BACKOFF_MIN_MS,
    reconnectTimer: null,
    silenceTimer: null,
    tickTimer: null,
    refreshTimer: null,
    pendingCaseIds: null,  // ids to refetch at the next debounced refresh (null: the open case anyway)
    loginRetryTimer: null,
    noticeTimer: null,
    busy: false,
  };

  // ---------------------------------------------------------------------------------------------
  // DOM helpers (text only)

  function $(selector) { return document.querySelector(selector); }

  /** el('span.tag.prio-high', {title: 'x', dataset: {a: 'b'}}, 'text', child, ...) */
  function el(spec, attrs) {
    var parts = spec.split('.');
    var node = document.createElement(parts[0] || 'div');
    for (var i = 1; i < parts.length; i++) if (parts[i]) node.classList.add(parts[i]);
    var children = Array.prototype.slice.call(arguments, 2);
    if (attrs !== undefined && attrs !== null && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) { children.unshift(attrs); attrs = null; }
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === undefined || value === null || value === false) return;
        if (key === 'dataset') Object.keys(value).forEach(function (k) { if (value[k] !== undefined && value[k] !== null) node.dataset[k] = String(value[k]); });
        else if (key === 'className') value.split(/\s+/).filter(Boolean).forEach(function (c) { node.classList.add(c); });
        else if (key === 'text') node.textContent = String(value);
        else node.setAttribute(key, value === true ? '' : String(value));
      });
    }
    children.forEach(function (child) { append(node, child); });
    return node;
  }

  function append(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  function setChildren(node, children) {
    node.replaceChildren();
    append(node, children);
  }

  function oneOf(value, allowed, fallback) { return allowed.indexOf(value) >= 0 ? value : fallback; }

  // ---------------------------------------------------------------------------------------------
  // formatting

  function parseTime(value) {
    if (value === undefined || value === null || value === '') return null;
    var date = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
    return isNaN(date.getTime()) ? null : date;
  }

  function sameDay(a, b) { return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate(); }

  function timeOf(date) { return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }); }

  function dateOf(date) { return date.toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' }); }

  function shortDateTime(date) {
    return sameDay(date, new Date()) ? timeOf(date) : date.toLocaleDateString([], { day: 'numeric', month: 'short' }) + ' ' + timeOf(date);
  }

  function duration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    if (seconds < 60) return '<1 min';
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + ' min';
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + ' h' + (minutes % 60 ? ' ' + (minutes % 60) + ' min' : '');
    var days = Math.floor(hours / 24);
    return days + ' d' + (hours % 24 ? ' ' + (hours % 24) + ' h' : '');
  }

  function humanize(key) {
    if (KEY_LABELS[key]) return KEY_LABELS[key];
    if (/_eur$/.test(key)) return humanize(key.slice(0, -4)) + ' (€)';
    var words = String(key).replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim();
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function reasonText(c) {
    var label = c.reason_label ? String(c.reason_label) : humanize(c.reason || 'case');
    return label.charAt(0).toUpperCase() + label.slice(1);
  }

  function channelLabel(channel) { return CHANNELS[channel] || channel || '—'; }

  function isMine(c) { return !!(c && state.me && c.status === 'assigned' && c.agent === state.me.username); }

  function statusText(c) {
    if (c.status === 'assigned') return isMine(c) ? 'Yours' : (c.agent ? 'Assigned to ' + c.agent : 'Assigned');
    return STATUS_LABELS[c.status] || c.status || '—';
  }

  function waitingSeconds(c, fetchedAt) {
    var base = typeof c.waiting_s === 'number' ? c.waiting_s : null;
    if (base === null) {
      var created = parseTime(c.created_at);
      return created ? (Date.now() - created.getTime()) / 1000 : null;
    }
    // waiting_s counts until the case is claimed: only unclaimed cases keep ticking here
    var ticking = c.status === 'pending' || c.status === 'ticket';
    return base + (ticking ? (Date.now() - fetchedAt) / 1000 : 0);
  }

  function stars(n) {
    n = Math.max(0, Math.min(5, Math.round(Number(n) || 0)));
    return '★★★★★'.slice(0, n) + '☆☆☆☆☆'.slice(0, 5 - n);
  }

  // ---------------------------------------------------------------------------------------------
  // the API

  function ApiError(status, message, data) {
    this.name = 'ApiError';
    this.status = status;
    this.message = message;
    this.data = data;
  }
  ApiError.prototype = Object.create(Error.prototype);

  function errorText(status, data, what) {
    var said = data && typeof data.error === 'string' && data.error.trim() ? data.error.trim() : '';
    if (status === 502) {
      var base = what === 'message'
        ? 'The bot server is unreachable: nothing was sent. Your reply is still in the box.'
        : 'The bot server is unreachable: nothing was changed. Try again in a moment.';
      return said ? base + ' (' + said + ')' : base;
    }
    if (said) return capitalize(said);
    if (status === 0) return 'Cannot reach the console server. Check your connection.';
    if (status === 400) return 'The text is empty or too long (4000 characters at most).';
    if (status === 404) return 'This case no longer exists.';
    if (status === 409) return 'This case is owned by another agent, or it is closed.';
    if (status >= 500) return 'The console server had a problem (HTTP ' + status + '). Try again.';
    return 'The request failed (HTTP ' + status + ').';
  }

  function capitalize(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

  /** Calls the API; resolves to {status, data, headers}; rejects with ApiError. A 401 (except on
   *  login) ends the session and returns to the login form. */
  function api(method, path, body, options) {
    options = options || {};
    var headers = { Accept: 'application/json' };
    if (state.token && !options.noAuth) headers.Authorization = 'Bearer ' + state.token;
    var init = { method: method, headers: headers, cache: 'no-store', credentials: 'same-origin' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    var tokenUsed = state.token;
    return fetch(path, init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
        if (response.status === 401 && !options.noAuth) {
          if (tokenUsed && tokenUsed === state.token) sessionExpired();
          throw new ApiError(401, 'Your session has expired. Please sign in again.', data);
        }
        if (!response.ok) {
          var error = new ApiError(response.status, errorText(response.status, data, options.what), data);
          error.retryAfter = response.headers.get('Retry-After');
          throw error;
        }
        return { status: response.status, data: data, headers: response.headers };
      });
    }, function () {
      throw new ApiError(0, errorText(0, null, options.what), null);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // notices

  function showNotice(text, kind, timeoutMs) {
    var notice = $('#notice');
    clearTimeout(state.noticeTimer);
    $('#notice-text').textContent = text;
    notice.dataset.kind = kind || 'error';
    notice.hidden = false;
    var wait = timeoutMs !== undefined ? timeoutMs : (kind === 'error' ? 0 : 6000);
    if (wait) state.noticeTimer = setTimeout(hideNotice, wait);
  }

  function hideNotice() {
    clearTimeout(state.noticeTimer);
    $('#notice').hidden = true;
  }

  function reportError(error) {
    if (error && error.status === 401) return; // the login form says it
    showNotice(error && error.message ? error.message : String(error), 'error');
    if (error && !(error instanceof ApiError) && window.console) console.error(error);
  }

  // ---------------------------------------------------------------------------------------------
  // login, logout, expired sessions

  function showLogin(message, kind) {
    $('#app').hidden = true;
    $('#agent-box').hidden = true;
    $('#live-status').hidden = true;
    $('#login-view').hidden = false;
    setLoginMessage(message, kind);
    var username = $('#username');
    (username.value ? $('#password') : username).focus();
    document.title = 'Agent console — Aurora';
  }

  function setLoginMessage(message, kind) {
    var box = $('#login-error');
    box.textContent = message || '';
    box.dataset.kind = kind || 'error';
    box.hidden = !message;
  }

  function sessionExpired() {
    if (!state.token) return;
    endSession();
    showLogin('Your session has expired. Please sign in again.', 'info');
  }

  function endSession() {
    state.token = null;
    state.me = null;
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage disabled */ }
    stopStream();
    clearInterval(state.tickTimer);
    clearTimeout(state.refreshTimer);
    state.cases = [];
    state.current = null;
    state.selectedId = null;
    state.drafts = {};
    state.seen = {};
    hideNotice();
    $('#queue').replaceChildren();
    showCase(null);
  }

  function onLoginSubmit(event) {
    event.preventDefault();
    var username = $('#username').value.trim();
    var password = $('#password').value;
    if (!username || !password) { setLoginMessage('Enter your username and password.'); return; }
    var button = $('#login-submit');
    button.disabled = true;
    setLoginMessage('');
    api('POST', '/api/auth/login', { username: username, password: password }, { noAuth: true }).then(function (result) {
      var token = result.data && result.data.token;
      if (!token) throw new ApiError(500, 'The server did not return a session. Try again.');
      state.token = token;
      try { sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* the session lasts as long as the page */ }
      $('#password').value = '';
      button.disabled = false;
      return startApp(result.data.agent);
    }).catch(function (error) {
      button.disabled = false;
      if (error.status === 401) {
        setLoginMessage('Wrong username or password.');
        $('#password').value = '';
        $('#password').focus();
      } else if (error.status === 429) {
        loginLockout(error);
      } else {
        setLoginMessage(error.message || 'Sign-in failed.');
      }
    });
  }

  function waitInWords(seconds) {
    if (seconds < 60) return seconds === 1 ? '1 second' : seconds + ' seconds';
    var minutes = Math.ceil(seconds / 60);
    return minutes === 1 ? '1 minute' : minutes + ' minutes';
  }

  function loginLockout(error) {
    var seconds = parseInt(error.retryAfter, 10);
    if (!(seconds >= 0) && error.data) seconds = parseInt(error.data.retry_after_s || error.data.retry_after, 10);
    if (!(seconds >= 0)) seconds = 60;
    var button = $('#login-submit');
    clearInterval(state.loginRetryTimer);
    var until = Date.now() + seconds * 1000;
    function update() {
      var left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) {
        clearInterval(state.loginRetryTimer);
        button.disabled = false;
        setLoginMessage('You can try again now.', 'info');
        return;
      }
      button.disabled = true;
      setLoginMessage('Too many attempts from this device: try again in ' + waitInWords(left) + '.');
    }
    update();
    state.loginRetryTimer = setInterval(update, 1000);
  }

  function logout() {
    var token = state.token;
    endSession();
    showLogin('You have signed out.', 'info');
    if (token) {
      fetch('/api/auth/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' }).catch(function () {});
    }
  }

  /** Supervisors: a link to the privacy page (/agent/privacy), named in its catalog. */
  function addPrivacyLink() {
    var link = el('a.btn.btn-quiet', { id: 'privacy-link', href: '/agent/privacy' }, '');
    $('#agent-box').prepend(link);
    fetch('/api/privacy/texts').then(function (r) { return r.json(); })
      .then(function (body) { link.textContent = body.texts.console_link; });
  }

  /** After login (agent from the login answer) or on page load with a stored token. */
  function startApp(agentFromLogin) {
    return api('GET', '/api/me').then(function (result) {
      state.me = result.data || agentFromLogin || {};
      $('#agent-name').textContent = state.me.display_name
        ? state.me.display_name + ' (' + state.me.username + ')' : (state.me.username || '');
      $('#login-view').hidden = true;
      setLoginMessage('');
      $('#app').hidden = false;
      $('#agent-box').hidden = false;
      if (state.me.role === 'supervisor' && !$('#insights-link')) $('#agent-box').prepend(el('a.btn.btn-quiet', { id: 'insights-link', href: '/agent/insights' }, 'Insights'));
      if (state.me.role === 'supervisor' && !$('#privacy-link')) addPrivacyLink();
      $('#live-status').hidden = false;
      setTab(state.tab, true);
      clearInterval(state.tickTimer);
      state.tickTimer = setInterval(tick, TICK_MS);
      startStream();
      var fromHash = /^#case-(\d+)$/.exec(location.hash);
      if (fromHash) selectCase(Number(fromHash[1]));
    }).catch(function (error) {
      if (error.status !== 401) showLogin(error.message);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // the queue

  function setTab(tab, force) {
    if (tab === state.tab && !force) return;
    state.tab = tab;
    ['open', 'closed'].forEach(function (name) {
      $('#tab-' + name).setAttribute('aria-selected', String(name === tab));
    });
    $('#queue').dataset.status = tab;
    state.cases = [];
    renderQueue();
    refreshQueue();
  }

  function refreshQueue() {
    if (!state.token) return Promise.resolve();
    var seq = ++state.queueSeq;
    var tab = state.tab;
    return api('GET', '/api/cases?status=' + encodeURIComponent(tab)).then(function (result) {
      if (seq !== state.queueSeq || tab !== state.tab) return;
      state.cases = (result.data && Array.isArray(result.data.cases)) ? result.data.cases : [];
      state.fetchedAt = Date.now();
      renderQueue();
      if (tab !== 'open') refreshOpenCount();
    }).catch(reportError);
  }

  /** The Open tab's count while another tab is shown. */
  function refreshOpenCount() {
    return api('GET', '/api/cases?status=open').then(function (result) {
      var cases = (result.data && Array.isArray(result.data.cases)) ? result.data.cases : [];
      $('#count-open').textContent = cases.length ? String(cases.length) : '';
    }).catch(function () { /* the count can wait */ });
  }

  function renderQueue() {
    var list = $('#queue');
    var focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest('#queue .case') : null;
    var focusedId = focused ? focused.dataset.caseId : null;
    list.replaceChildren.apply(list, state.cases.map(queueItem));
    $('#queue-empty').hidden = state.cases.length > 0;
    if (focusedId) {
      var again = list.querySelector('.case[data-case-id="' + CSS.escape(focusedId) + '"]');
      if (again) again.focus();
    }
    if (state.tab === 'open') {
      var waiting = state.cases.filter(function (c) { return c.status === 'pending' || c.status === 'ticket'; }).length;
      $('#count-open').textContent = state.cases.length ? String(state.cases.length) : '';
      document.title = (waiting ? '(' + waiting + ') ' : '') + 'Agent console — Aurora';
    }
  }

  function queueItem(c) {
    var priority = oneOf(c.priority_label, PRIORITIES, 'normal');
    var status = oneOf(c.status, STATUSES, 'pending');
    var closed = OPEN_STATUSES.indexOf(status) < 0;
    var wait = closed ? null : waitingSeconds(c, state.fetchedAt);
    var created = parseTime(c.created_at);
    var unread = !closed && c.id !== state.selectedId && state.seen[c.id] !== undefined && c.last_message_at && c.last_message_at !== state.seen[c.id];
    var item = el('li.case', {
      tabindex: '0', role: 'button',
      dataset: { caseId: c.id, priority: priority, status: status, agent: c.agent || undefined, unread: unread ? 'true' : undefined },
      'aria-current': String(c.id === state.selectedId),
    },
      el('div.case-row',
        el('span.tag.priority.prio-' + priority, { title: 'Priority ' + (c.priority !== undefined ? c.priority : '') }, priority),
        unread ? el('span.unread-dot', { title: 'New messages' }) : null,
        el('span.reason', { title: c.reason || '' }, reasonText(c)),
        closed
          ? el('span.wait', { title: created ? created.toLocaleString() : '' }, created ? shortDateTime(created) : '')
          : el('span.wait', { title: 'Waiting time', dataset: { ticking: '1' } }, wait === null ? '' : duration(wait))),
      el('div.case-row.wrap',
        el('span.customer.who', c.customer_name || c.contact || 'Unknown customer'),
        el('span.tag.status.st-' + status + (isMine(c) ? '.mine' : ''), statusText(c)),
        el('span.tag.lang', { title: 'Language' }, (c.language || '?').toUpperCase()),
        el('span.tag.chan.channel', { title: 'Channel' }, channelLabel(c.channel)),
        (c.csat !== undefined && c.csat !== null) ? el('span.csat', { title: 'CSAT ' + c.csat + '/5' }, stars(c.csat)) : null),
      el('div.summary', c.summary || ''));
    return item;
  }

  /** Every 30 s: waiting times move on (and, while the live stream is down, the queue is refetched). */
  function tick() {
    var items = document.querySelectorAll('#queue .case');
    items.forEach(function (item) {
      var c = caseById(item.dataset.caseId);
      var waitNode = item.querySelector('.wait[data-ticking]');
      if (c && waitNode) waitNode.textContent = duration(waitingSeconds(c, state.fetchedAt));
    });
    if (state.current) renderCaseMeta(state.current);
    var live = $('#live-status').dataset.state === 'live';
    if (!live) { refreshQueue(); if (state.selectedId !== null) refreshCase(); }
  }

  function caseById(id) {
    for (var i = 0; i < state.cases.length; i++) if (String(state.cases[i].id) === String(id)) return state.cases[i];
    return null;
  }

  function onQueueClick(event) {
    var item = event.target.closest('.case[data-case-id]');
    if (item) selectCase(Number(item.dataset.caseId));
  }

  function onQueueKey(event) {
    var item = event.target.closest('.case[data-case-id]');
    if (!item) return;
    if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); selectCase(Number(item.dataset.caseId)); }
    else if (event.key === 'ArrowDown' && item.nextElementSibling) { event.preventDefault(); item.nextElementSibling.focus(); }
    else if (event.key === 'ArrowUp' && item.previousElementSibling) { event.preventDefault(); item.previousElementSibling.focus(); }
  }

  // ---------------------------------------------------------------------------------------------
  // the open case

  function selectCase(id) {
    if (state.current && state.selectedId !== null) state.drafts[state.selectedId] = $('#reply-text').value;
    state.selectedId = id;
    document.querySelectorAll('#queue .case').forEach(function (item) {
      item.setAttribute('aria-current', String(item.dataset.caseId === String(id)));
    });
    try { history.replaceState(null, '', '#case-' + id); } catch (e) { /* not important */ }
    state.current = null;
    showCase(null, true);
    refreshCase();
  }

  function refreshCase() {
    var id = state.selectedId;
    if (id === null || !state.token) return Promise.resolve();
    var seq = ++state.caseSeq;
    return api('GET', '/api/cases/' + encodeURIComponent(id)).then(function (result) {
      if (seq !== state.caseSeq || id !== state.selectedId) return;
      showCase(result.data);
    }).catch(function (error) {
      if (seq !== state.caseSeq) return;
      if (error.status === 404) { state.selectedId = null; showCase(null); }
      reportError(error);
    });
  }

  function showCase(c, loading) {
    var pane = $('#case');
    if (!c) {
      state.current = null;
      pane.hidden = true;
      var empty = $('#case-empty');
      empty.hidden = false;
      empty.textContent = loading ? 'Loading the case…' : 'Select a case from the queue.';
      $('#context').replaceChildren(el('p.empty', 'The customer, their order and what the bot looked up appear here.'));
      delete $('#context').dataset.caseId;
      return;
    }
    var switched = !state.current || state.current.id !== c.id;
    state.current = c;
    if (c.last_message_at) state.seen[c.id] = c.last_message_at;
    state.currentFetchedAt = Date.now();
    $('#case-empty').hidden = true;
    pane.hidden = false;
    pane.dataset.caseId = c.id;
    pane.dataset.status = c.status || '';
    pane.dataset.mine = String(isMine(c));
    if (c.agent) pane.dataset.agent = c.agent; else delete pane.dataset.agent;
    $('#case-title').textContent = c.customer_name || c.contact || 'Unknown customer';
    renderCaseMeta(c);
    renderButtons(c);
    renderTranscript(c, switched);
    renderNotes(c);
    renderContext(c);
    renderReplyBox(c, switched);
  }

  function renderCaseMeta(c) {
    var priority = oneOf(c.priority_label, PRIORITIES, 'normal');
    var status = oneOf(c.status, STATUSES, 'pending');
    var created = parseTime(c.created_at);
    var wait = OPEN_STATUSES.indexOf(status) >= 0 ? waitingSeconds(c, state.currentFetchedAt) : null;
    setChildren($('#case-meta'), [
      el('span.tag.priority.prio-' + priority, priority),
      el('span.tag.status.st-' + status + (isMine(c) ? '.mine' : ''), statusText(c)),
      el('span', reasonText(c)),
      el('span', '·'),
      el('span', channelLabel(c.channel) + ' · ' + (c.language || '?').toUpperCase()),
      c.contact ? el('span', '· ' + c.contact) : null,
      created ? el('span', { title: created.toLocaleString() }, '· opened ' + shortDateTime(created)) : null,
      wait !== null ? el('span', '· waiting ' + duration(wait)) : null,
      el('span.small', { title: 'Case ' + c.id + ', conversation ' + (c.conversation_id || '') }, '· #' + c.id)]);
  }

  function renderButtons(c) {
    var open = OPEN_STATUSES.indexOf(c.status) >= 0;
    var mine = isMine(c);
    var ownedByOther = c.status === 'assigned' && !mine;
    var claim = $('#claim');
    claim.textContent = ownedByOther ? 'Take over' : 'Claim';
    claim.disabled = !open || mine;
    claim.title = mine ? 'You own this case' : ownedByOther ? (c.agent || 'Another agent') + ' owns this case' : open ? 'Take the case: the bot goes quiet' : 'This case is closed';
    claim.classList.toggle('btn-danger', ownedByOther);
    claim.classList.toggle('btn-primary', !ownedByOther);
    $('#handback').disabled = !mine;
    $('#resolve').disabled = !mine;
  }

  function renderReplyBox(c, switched) {
    var mine = isMine(c);
    var text = $('#reply-text');
    var hint = $('#reply-hint');
    if (switched) text.value = state.drafts[c.id] || '';
    text.disabled = !mine;
    $('#reply-send').disabled = !mine;
    if (mine) hint.textContent = 'Replying on ' + channelLabel(c.channel) + ' in ' + (c.language || '?').toUpperCase();
    else if (OPEN_STATUSES.indexOf(c.status) >= 0) hint.textContent = 'Claim the case to reply.';
    else hint.textContent = 'This case is closed.';
    loadCanned(c.language, mine);
  }

  function loadCanned(language, enabled) {
    var select = $('#canned');
    var lang = language || 'es';
    function fill(replies) {
      if (!state.current || (state.current.language || 'es') !== lang) return;
      var keep = select.value;
      select.replaceChildren.apply(select, [el('option', { value: '' }, replies.length ? 'Canned replies…' : 'No canned replies')].concat(
        replies.map(function (reply, index) { return el('option', { value: String(index), title: reply.text || '' }, reply.title || reply.key || 'Reply ' + (index + 1)); })));
      select.value = keep && Number(keep) < replies.length ? keep : '';
      select.disabled = !enabled || !replies.length;
      select.dataset.language = lang;
    }
    if (state.canned[lang]) { fill(state.canned[lang]); return; }
    select.disabled = true;
    api('GET', '/api/canned-replies?language=' + encodeURIComponent(lang)).then(function (result) {
      state.canned[lang] = (result.data && Array.isArray(result.data.replies)) ? result.data.replies : [];
      fill(state.canned[lang]);
    }).catch(reportError);
  }

  function onCannedChange() {
    var select = $('#canned');
    var replies = state.canned[select.dataset.language] || [];
    var reply = replies[Number(select.value)];
    select.value = '';
    if (!reply || !reply.text) return;
    var box = $('#reply-text');
    if (box.disabled) return;
    var start = box.selectionStart, end = box.selectionEnd;
    box.setRangeText(reply.text, start, end, 'end');
    box.focus();
    if (state.selectedId !== null) state.drafts[state.selectedId] = box.value;
  }

  // --- transcript

  function renderTranscript(c, switched) {
    var box = $('#transcript');
    var nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    var items = Array.isArray(c.transcript) ? c.transcript : [];
    var nodes = [];
    var lastDay = null;
    items.forEach(function (item) {
      var when = parseTime(item.timestamp);
      if (when && (!lastDay || !sameDay(lastDay, when))) {
        nodes.push(el('div.day-sep', sameDay(when, new Date()) ? 'Today' : dateOf(when)));
        lastDay = when;
      }
      nodes.push(transcriptItem(item, when));
    });
    if (!items.length) nodes.push(el('p.empty', 'No messages yet.'));
    box.replaceChildren.apply(box, nodes);
    if (switched || nearBottom) box.scrollTop = box.scrollHeight;
  }

  function transcriptItem(item, when) {
    var sender = oneOf(item.sender, ['customer', 'bot', 'agent'], 'bot');
    var kind = oneOf(item.kind, ['message', 'button', 'attachment'], 'message');
    var undelivered = sender === 'agent' && item.delivered === false;
    var text = item.text === undefined || item.text === null ? '' : String(item.text);
    var shown = kind === 'button' ? 'clicked: ' + text : kind === 'attachment' ? 'attachment: ' + text : text;
    var label = sender === 'agent' && item.agent ? item.agent : SENDER_LABELS[sender];
    var buttons = Array.isArray(item.buttons) && item.buttons.length
      ? el('div.buttons', { title: 'Buttons the bot offered' }, item.buttons.map(function (title) {
        return el('span', typeof title === 'object' && title !== null ? (title.title || title.payload || '') : String(title));
      }))
      : null;
    return el('div.item', {
      dataset: { sender: sender, kind: kind, delivered: sender === 'agent' ? String(item.delivered !== false) : undefined, id: item.id },
    },
      el('div.bubble', el('span.text', shown)),
      buttons,
      el('div.meta',
        el('span.sender-label', label),
        when ? el('span.time', { title: when.toLocaleString() }, timeOf(when)) : null,
        item.channel && item.channel !== (state.current && state.current.channel) ? el('span', channelLabel(item.channel)) : null,
        undelivered ? el('span.undelivered', { title: "The customer's channel could not be reached live" }, 'Not delivered') : null));
  }

  // --- notes

  function renderNotes(c) {
    var notes = Array.isArray(c.notes) ? c.notes : [];
    var list = $('#notes');
    list.replaceChildren.apply(list, notes.map(function (note) {
      var when = parseTime(note.created_at);
      return el('li.note',
        el('span.note-meta', (note.agent || '') + (when ? ' · ' + shortDateTime(when) : '')),
        el('span.note-text', note.text || ''));
    }));
    if (!notes.length) list.appendChild(el('li.muted.small', 'No notes yet.'));
  }

  // --- actions

  function caseAction(path, body, done, what) {
    var c = state.current;
    if (!c || state.busy) return Promise.resolve();
    state.busy = true;
    var id = c.id;
    return api('POST', '/api/cases/' + encodeURIComponent(id) + path, body, { what: what }).then(function (result) {
      if (result.data && result.data.id === id && state.selectedId === id) showCase(result.data);
      if (done) showNotice(done, 'success');
      refreshQueue();
      if (!(result.data && result.data.id === id)) return refreshCase();
    }).catch(function (error) {
      reportError(error);
      if (error.status === 409 || error.status === 404) { refreshCase(); refreshQueue(); }
    }).then(function () { state.busy = false; });
  }

  function onClaim() {
    var c = state.current;
    if (!c) return;
    if (c.status === 'assigned' && !isMine(c)) {
      confirmDialog((c.agent || 'Another agent') + ' is handling this case. Take it over? They will no longer be able to reply.', 'Take over')
        .then(function (ok) { if (ok) caseAction('/claim', { takeover: true }, 'You took over the case.'); });
    } else {
      caseAction('/claim', { takeover: false }, 'Case claimed: the bot is quiet in this conversation.').then(function () {
        if (isMine(state.current)) $('#reply-text').focus();
      });
    }
  }

  function onHandback() { caseAction('/handback', undefined, 'Handed back: the bot answers the next message.'); }

  function onResolve() { caseAction('/resolve', undefined, 'Resolved: the customer is asked to rate the help.'); }

  function onReplySubmit(event) {
    event.preventDefault();
    var c = state.current;
    var box = $('#reply-text');
    var text = box.value.trim();
    if (!c || !text || box.disabled) return;
    var send = $('#reply-send');
    if (send.dataset.sending === 'true') return;
    send.dataset.sending = 'true';
    send.disabled = true;
    var id = c.id;
    api('POST', '/api/cases/' + encodeURIComponent(id) + '/messages', { text: text }, { what: 'message' }).then(function (result) {
      if (state.selectedId === id) {
        box.value = '';
        delete state.drafts[id];
        var message = result.data && result.data.message;
        if (message && state.current && state.current.id === id) {
          var copy = Object.assign({}, state.current, { transcript: (state.current.transcript || []).concat([message]) });
          state.current = copy;
          renderTranscript(copy, true);
        }
        if (message && message.delivered === false) {
          showNotice("The reply was recorded but the customer's channel could not be reached live.", 'error');
        }
      }
      refreshCase();
    }).catch(function (error) {
      reportError(error);
      if (error.status === 409) { refreshCase(); refreshQueue(); }
    }).then(function () {
      send.dataset.sending = 'false';
      send.disabled = !isMine(state.current);
    });
  }

  function onReplyKey(event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey && !event.isComposing) {
      event.preventDefault();
      $('#reply-form').requestSubmit ? $('#reply-form').requestSubmit() : onReplySubmit(event);
    }
  }

  function onNoteSubmit(event) {
    event.preventDefault();
    var c = state.current;
    var input = $('#note-text');
    var text = input.value.trim();
    if (!c || !text) return;
    var id = c.id;
    $('#note-add').disabled = true;
    api('POST', '/api/cases/' + encodeURIComponent(id) + '/notes', { text: text }).then(function () {
      input.value = '';
      return refreshCase();
    }).catch(reportError).then(function () { $('#note-add').disabled = false; });
  }

  function confirmDialog(text, okLabel) {
    var dialog = $('#confirm-dialog');
    $('#confirm-text').textContent = text;
    $('#confirm-ok').textContent = okLabel || 'OK';
    if (typeof dialog.showModal !== 'function') return Promise.resolve(window.confirm(text));
    return new Promise(function (resolve) {
      function finish(answer) {
        $('#confirm-ok').removeEventListener('click', ok);
        $('#confirm-cancel').removeEventListener('click', cancel);
        dialog.removeEventListener('cancel', cancel);
        if (dialog.open) dialog.close();
        resolve(answer);
      }
      function ok() { finish(true); }
      function cancel(event) { if (event) event.preventDefault(); finish(false); }
      $('#confirm-ok').addEventListener('click', ok);
      $('#confirm-cancel').addEventListener('click', cancel);
      dialog.addEventListener('cancel', cancel);
      dialog.showModal();
      $('#confirm-cancel').focus();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // the context panel

  function section(title, id) {
    return el('section.ctx-section', { id: id }, el('h3', title));
  }

  function kvList(pairs) {
    var dl = el('dl.kv');
    pairs.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null || pair[1] === '') return;
      dl.appendChild(el('dt', pair[0]));
      dl.appendChild(el('dd', pair[1] instanceof Node ? pair[1] : renderValue(pair[1], pair[2] || pair[0], 1)));
    });
    return dl.childNodes.length ? dl : null;
  }

  /** Any JSON value as inert DOM: objects as definition lists, arrays as lists, ISO dates in local
   *  time, booleans as yes/no, http(s) URLs as links. */
  function renderValue(value, key, depth) {
    depth = depth || 0;
    if (key && SECRET_KEY.test(String(key))) return el('span.muted', '(hidden)');
    if (value === undefined || value === null || value === '') return el('span.muted', '—');
    if (typeof value === 'boolean') {
      if (key === 'late' || key === 'is_late') return value ? el('span.val-late', 'late') : el('span.val-false', 'on time');
      return el('span.val-' + value, value ? 'yes' : 'no');
    }
    if (typeof value === 'number') return document.createTextNode(String(value));
    if (typeof value === 'string') {
      if (/^https?:\/\/[^\s]+$/i.test(value)) {
        return el('a', { href: value, target: '_blank', rel: 'noopener noreferrer' }, value.length > 48 ? value.slice(0, 45) + '…' : value);
      }
      if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
        var date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(value + 'T00:00:00') : parseTime(value);
        if (date) return el('span', { title: value }, value.length > 10 ? shortDateTime(date) : dateOf(date));
      }
      if ((key === 'status' || key === 'state') && /^[a-z]+(_[a-z]+)*$/.test(value)) return document.createTextNode(humanize(value));
      return document.createTextNode(value);
    }
    if (depth > 5) return document.createTextNode(JSON.stringify(value));
    if (Array.isArray(value)) {
      if (!value.length) return el('span.muted', 'none');
      var allPlain = value.every(function (v) { return v === null || typeof v !== 'object'; });
      if (allPlain && value.length === 1) return renderValue(value[0], key, depth + 1);
      return el('ul.plain', value.map(function (v) { return el('li', renderValue(v, key, depth + 1)); }));
    }
    var keys = Object.keys(value);
    if (!keys.length) return el('span.muted', '—');
    var dl = el('dl.kv');
    keys.forEach(function (k) {
      dl.appendChild(el('dt', humanize(k)));
      dl.appendChild(el('dd', { dataset: { key: k } }, renderValue(value[k], k, depth + 1)));
    });
    return dl;
  }

  /** The customer's profile: the usual facts first, the orders and incidents as short lines, then
   *  anything else the backend sends, generically. */
  function customerDetails(customer, c) {
    var handled = { name: 1, tier: 1, orders: 1, incidents: 1, open_incidents: 1, orders_count: 1 };
    var pairs = [['Contact', c.contact]];
    ['email', 'phone', 'country', 'language', 'customer_since'].forEach(function (k) {
      handled[k] = 1;
      if (customer[k] !== undefined && customer[k] !== c.contact) pairs.push([humanize(k), customer[k], k]);
    });
    var orders = Array.isArray(customer.orders) ? customer.orders : null;
    pairs.push(['Orders', customer.orders_count !== undefined ? customer.orders_count : (orders ? orders.length : undefined), 'orders_count']);
    var open = customer.open_incidents;
    if (Array.isArray(open)) {
      pairs.push(['Open incidents', open.length
        ? el('span', el('strong.late', String(open.length)), el('ul.plain', open.map(function (i) { return el('li', incidentLine(i)); })))
        : '0']);
    } else if (open !== undefined) {
      pairs.push(['Open incidents', open, 'open_incidents']);
    }
    Object.keys(customer).forEach(function (k) { if (!handled[k]) pairs.push([humanize(k), customer[k], k]); });
    var box = el('div', kvList(pairs));
    if (orders && orders.length) {
      box.appendChild(el('details.raw', el('summary', 'Recent orders (' + orders.length + ')'),
        el('ul.plain', orders.map(function (o) {
          if (!o || typeof o !== 'object') return el('li', String(o));
          var placed = o.placed_on ? parseTime(o.placed_on + (String(o.placed_on).length === 10 ? 'T00:00:00' : '')) : null;
          return el('li', ['#' + (o.id || '?'), placed ? dateOf(placed) : null, o.status ? humanize(o.status) : null,
            o.total_eur !== undefined ? o.total_eur + ' €' : null].filter(Boolean).join(' · '));
        }))));
    }
    return box;
  }

  function incidentLine(incident) {
    if (!incident || typeof incident !== 'object') return String(incident);
    return [incident.id, incident.order_id ? 'order ' + incident.order_id : null, incident.summary].filter(Boolean).join(' · ');
  }

  /** The order the bot looked up: status, carrier, tracking, dates, items, return eligibility. */
  function orderDetails(order) {
    var sub = el('div.ctx-sub', { dataset: { lookup: 'order', orderId: order.id } });
    var title = el('h4', 'Order ' + (order.id !== undefined ? '#' + order.id : ''));
    if (order.late === true) title.appendChild(el('span.tag.angry.late-tag', { title: 'Past its estimated delivery' }, 'late'));
    sub.appendChild(title);
    var handled = { id: 1, late: 1, lines: 1, return_eligibility: 1 };
    var keys = ['status', 'carrier', 'tracking_number', 'tracking_url', 'estimated_delivery', 'eta', 'placed_on', 'shipped_on',
      'delivered_on', 'total_eur', 'payment', 'ship_to_country', 'shipping_address', 'verified'];
    var pairs = [];
    keys.forEach(function (k) {
      handled[k] = 1;
      if (order[k] === undefined || order[k] === null || order[k] === '') return;
      if (k === 'status') pairs.push(['Status', humanize(String(order[k]))]);
      else if ((k === 'estimated_delivery' || k === 'eta') && order.late === true) pairs.push([humanize(k), el('span.val-late', renderValue(order[k], k, 1), ' (late)')]);
      else pairs.push([humanize(k), order[k], k]);
    });
    Object.keys(order).forEach(function (k) { if (!handled[k]) pairs.push([humanize(k), order[k], k]); });
    append(sub, kvList(pairs));
    if (Array.isArray(order.lines) && order.lines.length) {
      sub.appendChild(el('div.ctx-sub', el('h4', 'Items'), el('ul.plain', order.lines.map(function (line) {
        if (!line || typeof line !== 'object') return el('li', String(line));
        return el('li', [(line.qty ? line.qty + ' × ' : '') + (line.title || line.sku || ''),
          line.category ? '(' + line.category + ')' : null,
          line.price_eur !== undefined ? '· ' + line.price_eur + ' €' : null,
          line.final_sale ? '· final sale' : null].filter(Boolean).join(' '));
      }))));
    }
    if (Array.isArray(order.return_eligibility) && order.return_eligibility.length) {
      sub.appendChild(el('div.ctx-sub', { dataset: { lookup: 'return_eligibility' } }, el('h4', 'Return eligibility'),
        el('ul.plain', order.return_eligibility.map(function (line) {
          if (!line || typeof line !== 'object') return el('li', String(line));
          var lastDay = line.last_day ? parseTime(String(line.last_day).length === 10 ? line.last_day + 'T00:00:00' : line.last_day) : null;
          var ok = line.returnable === true || line.eligible === true;
          return el('li', { className: ok ? 'val-true' : 'val-false' }, (line.title || line.sku || 'Item') + ': ' + (ok
            ? 'can be returned' + (lastDay ? ' until ' + dateOf(lastDay) : '')
            : 'cannot be returned' + (line.reason ? ' (' + humanize(String(line.reason)).toLowerCase() + ')' : '')));
        }))));
    }
    return sub;
  }

  function renderContext(c) {
    var ctx = c.context && typeof c.context === 'object' ? c.context : {};
    var root = $('#context');
    root.dataset.caseId = c.id;
    var sections = [];

    // who
    var customer = ctx.customer && typeof ctx.customer === 'object' ? ctx.customer : null;
    var who = section('Customer', 'ctx-customer');
    var name = el('div.ctx-customer-name', el('span', c.customer_name || (customer && customer.name) || 'Unknown customer'));
    var tier = customer && customer.tier ? String(customer.tier) : '';
    if (tier) {
      name.appendChild(tier.toLowerCase() === 'vip'
        ? el('span.vip-badge', { id: 'ctx-tier', dataset: { tier: 'vip' }, title: 'VIP customer' }, 'VIP')
        : el('span.tier-badge', { id: 'ctx-tier', dataset: { tier: tier.toLowerCase() } }, tier));
    }
    who.appendChild(name);
    var flags = el('div.flags');
    var verified = ctx.identity_verified === true;
    flags.appendChild(el('span.flag.' + (verified ? 'ok' : 'no'), { id: 'ctx-identity', dataset: { verified: String(verified) } },
      verified ? '✓ Identity verified' : 'Identity not verified'));
    if (ctx.anger) flags.appendChild(el('span.flag.bad', { id: 'ctx-anger' }, 'Customer is upset'));
    who.appendChild(el('div.ctx-sub', flags));
    append(who, customer ? customerDetails(customer, c) : kvList([['Contact', c.contact]]));
    if (!customer) who.appendChild(el('p.muted.small', 'No verified customer profile.'));
    sections.push(who);

    // why
    var why = section('Why it was escalated', 'ctx-reason');
    why.appendChild(el('div', el('strong', reasonText(c)),
      c.reason ? el('span.muted.small', ' (' + c.reason + ')') : null));
    if (c.summary) why.appendChild(el('div.muted.ctx-sub', { className: 'summary-text' }, c.summary));
    var csat = c.csat !== undefined && c.csat !== null ? c.csat : ctx.csat;
    if (csat !== undefined && csat !== null) {
      why.appendChild(el('div.ctx-sub', { id: 'ctx-csat' }, 'Customer rating: ', el('span.csat', stars(csat)), ' ' + csat + '/5'));
    }
    sections.push(why);

    // what the bot looked up
    var lookups = ctx.lookups && typeof ctx.lookups === 'object' ? ctx.lookups : null;
    var looked = section('What the bot looked up', 'ctx-lookups');
    if (lookups && Object.keys(lookups).length) {
      Object.keys(lookups).forEach(function (k) {
        var value = lookups[k];
        if (k === 'order' && value && typeof value === 'object' && !Array.isArray(value)) { looked.appendChild(orderDetails(value)); return; }
        var sub = el('div.ctx-sub', { dataset: { lookup: k } }, el('h4', humanize(k)));
        sub.appendChild(renderValue(value, k, 1));
        looked.appendChild(sub);
      });
    } else {
      looked.appendChild(el('p.muted.small', 'Nothing was looked up.'));
    }
    sections.push(looked);

    // slots
    var slots = ctx.slots && typeof ctx.slots === 'object' ? ctx.slots : {};
    var slotKeys = Object.keys(slots).filter(function (k) {
      var v = slots[k];
      return !(v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length));
    });
    var first = ['order_id', 'contact', 'email', 'phone', 'customer_id', 'language'];
    slotKeys.sort(function (a, b) {
      var ia = first.indexOf(a), ib = first.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
    });
    var slotSection = section('Conversation details', 'ctx-slots');
    if (slotKeys.length) {
      var main = slotKeys.filter(function (k) { return !slots[k] || typeof slots[k] !== 'object'; });
      var nested = slotKeys.filter(function (k) { return slots[k] && typeof slots[k] === 'object'; });
      append(slotSection, kvList(main.map(function (k) { return [humanize(k), slots[k], k]; })));
      if (nested.length) {
        var more = el('details.raw', el('summary', 'More (' + nested.map(humanize).join(', ') + ')'));
        append(more, kvList(nested.map(function (k) { return [humanize(k), renderValue(slots[k], k, 1)]; })));
        slotSection.appendChild(more);
      }
    } else {
      slotSection.appendChild(el('p.muted.small', 'None.'));
    }
    sections.push(slotSection);

    // what the customer said, as the model understood it
    var intents = Array.isArray(ctx.intents) ? ctx.intents : [];
    if (intents.length) {
      var intentSection = section('Understood intents', 'ctx-intents');
      var table = el('table.intents');
      intents.forEach(function (entry) {
        entry = entry || {};
        var confidence = typeof entry.confidence === 'number' ? entry.confidence : null;
        table.appendChild(el('tr',
          el('td.text', entry.text || ''),
          el('td', el('strong', entry.intent || '?')),
          el('td.conf' + (confidence !== null && confidence < 0.5 ? '.conf-low' : ''), confidence === null ? '' : Math.round(confidence * 100) + '%')));
      });
      intentSection.appendChild(table);
      sections.push(intentSection);
    }

    var entities = Array.isArray(ctx.entities) ? ctx.entities : [];
    if (entities.length) {
      var entitySection = section('Entities', 'ctx-entities');
      entitySection.appendChild(el('ul.plain', entities.map(function (entity) {
        if (!entity || typeof entity !== 'object') return el('li', String(entity));
        var label = entity.entity || entity.name || 'entity';
        var value = entity.value !== undefined ? entity.value : '';
        return el('li', el('span.muted', humanize(label) + ': '), SECRET_KEY.test(label) ? '(hidden)' : String(value));
      })));
      sections.push(entitySection);
    }

    var earlier = Array.isArray(ctx.earlier_cases) ? ctx.earlier_cases : [];
    var earlierSection = section('Earlier cases', 'ctx-earlier');
    if (earlier.length) {
      earlierSection.appendChild(el('ul.plain', earlier.map(function (old) {
        if (!old || typeof old !== 'object') return el('li', String(old));
        var when = parseTime(old.created_at);
        var line = [old.id !== undefined ? '#' + old.id : null, when ? dateOf(when) : null, old.reason_label || (old.reason ? humanize(old.reason) : null),
          old.status ? (STATUS_LABELS[old.status] || old.status) : null].filter(Boolean).join(' · ');
        var extra = {};
        Object.keys(old).forEach(function (k) { if (['id', 'created_at', 'reason', 'reason_label', 'status'].indexOf(k) < 0) extra[k] = old[k]; });
        return el('li', line || '', Object.keys(extra).length ? renderValue(extra, 'earlier', 2) : null);
      })));
    } else {
      earlierSection.appendChild(el('p.muted.small', 'None.'));
    }
    sections.push(earlierSection);

    root.replaceChildren.apply(root, sections);
  }

  // ---------------------------------------------------------------------------------------------
  // live updates: GET /api/events with fetch(), text/event-stream parsed by hand

  function setLive(stateName) {
    var box = $('#live-status');
    box.dataset.state = stateName;
    box.querySelector('.live-label').textContent = stateName === 'live' ? 'Live' : stateName === 'connecting' ? 'Reconnecting…' : 'Offline';
    box.title = stateName === 'live' ? 'Live updates are on; you count as online' : 'Live updates are off; the queue is refreshed every 30 s';
  }

  function stopStream() {
    state.streamGen++;
    clearTimeout(state.reconnectTimer);
    clearTimeout(state.silenceTimer);
    if (state.stream) { try { state.stream.controller.abort(); } catch (e) { /* already closed */ } }
    state.stream = null;
    setLive('off');
  }

  function startStream() {
    stopStream();
    state.backoffMs = BACKOFF_MIN_MS;
    connectStream(++state.streamGen, true);
  }

  function connectStream(gen, first) {
    if (gen !== state.streamGen || !state.token) return;
    var controller = new AbortController();
    state.stream = { gen: gen, controller: controller };
    setLive('connecting');
    var parser = new EventStreamParser(onStreamEvent);
    var token = state.token;
    fetch('/api/events', {
      headers: { Authorization: 'Bearer ' + token, Accept: 'text/event-stream' },
      cache: 'no-store', signal: controller.signal,
    }).then(function (response) {
      if (gen !== state.streamGen) return null;
      if (response.status === 401) { if (token === state.token) sessionExpired(); return null; }
      if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
      setLive('live');
      state.backoffMs = BACKOFF_MIN_MS;
      // whatever changed while we were not listening
      if (!first) { refreshQueue(); refreshCase(); }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      function watchdog() {
        clearTimeout(state.silenceTimer);
        state.silenceTimer = setTimeout(function () { controller.abort(); }, STREAM_SILENCE_MS);
      }
      watchdog();
      function pump() {
        return reader.read().then(function (chunk) {
          if (gen !== state.streamGen) return 'stopped';
          if (chunk.done) return 'ended';
          watchdog();
          parser.feed(decoder.decode(chunk.value, { stream: true }));
          return pump();
        });
      }
      return pump();
    }).catch(function () { return 'failed'; }).then(function (outcome) {
      if (outcome === null || outcome === 'stopped' || gen !== state.streamGen || !state.token) return;
      clearTimeout(state.silenceTimer);
      setLive('connecting');
      var delay = state.backoffMs + Math.floor(Math.random() * 300);
      state.backoffMs = Math.min(BACKOFF_MAX_MS, state.backoffMs * 2);
      state.reconnectTimer = setTimeout(function () { connectStream(gen, false); }, delay);
    });
  }

  /** The text/event-stream format (WHATWG HTML, "server-sent events"): lines end with CRLF, LF or
   *  CR; a blank line dispatches; ":" starts a comment; fields event, data, id, retry. */
  function EventStreamParser(onEvent) {
    this.buffer = '';
    this.eventName = '';
    this.data = [];
    this.onEvent = onEvent;
  }
  EventStreamParser.prototype.feed = function (text) {
    this.buffer += text;
    for (;;) {
      var match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // a CR at the very end may be the first half of CRLF: wait for the next chunk
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      var line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  };
  EventStreamParser.prototype.line = function (line) {
    if (line === '') {
      if (this.data.length) this.onEvent(this.eventName || 'message', this.data.join('\n'));
      this.eventName = '';
      this.data = [];
      return;
    }
    if (line.charAt(0) === ':') return; // keep-alive comment
    var colon = line.indexOf(':');
    var field = colon < 0 ? line : line.slice(0, colon);
    var value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charAt(0) === ' ') value = value.slice(1);
    if (field === 'event') this.eventName = value;
    else if (field === 'data') this.data.push(value);
  };

  function onStreamEvent(name, data) {
    if (name === 'expired') { sessionExpired(); return; }
    if (name !== 'update' && name !== 'message') return;
    var payload = null;
    try { payload = JSON.parse(data); } catch (e) { payload = null; }
    var ids = payload && Array.isArray(payload.case_ids) ? payload.case_ids.map(String) : null;
    if (ids === null) state.pendingCaseIds = 'all';
    else if (state.pendingCaseIds !== 'all') state.pendingCaseIds = (state.pendingCaseIds || []).concat(ids);
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(flushUpdates, 120);
  }

  function flushUpdates() {
    var ids = state.pendingCaseIds;
    state.pendingCaseIds = null;
    refreshQueue();
    if (state.selectedId !== null && (ids === 'all' || (ids && ids.indexOf(String(state.selectedId)) >= 0))) refreshCase();
  }

  // ---------------------------------------------------------------------------------------------
  // start

  function init() {
    $('#login-form').addEventListener('submit', onLoginSubmit);
    $('#logout').addEventListener('click', logout);
    $('#notice-close').addEventListener('click', hideNotice);
    $('#tab-open').addEventListener('click', function () { setTab('open'); });
    $('#tab-closed').addEventListener('click', function () { setTab('closed'); });
    $('#queue').addEventListener('click', onQueueClick);
    $('#queue').addEventListener('keydown', onQueueKey);
    $('#claim').addEventListener('click', onClaim);
    $('#handback').addEventListener('click', onHandback);
    $('#resolve').addEventListener('click', onResolve);
    $('#reply-form').addEventListener('submit', onReplySubmit);
    $('#reply-text').addEventListener('keydown', onReplyKey);
    $('#reply-text').addEventListener('input', function () {
      if (state.selectedId !== null) state.drafts[state.selectedId] = $('#reply-text').value;
    });
    $('#canned').addEventListener('change', onCannedChange);
    $('#note-form').addEventListener('submit', onNoteSubmit);

    var stored = null;
    try { stored = sessionStorage.getItem(TOKEN_KEY); } catch (e) { stored = null; }
    if (stored) {
      state.token = stored;
      startApp(null);
    } else {
      showLogin('');
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
