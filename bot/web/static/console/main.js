/* Aurora agent console: the page at /agent (bot/web/templates/agent.html, bot/web/static/agent.css).
 *
 * ES modules, no framework, no build step, nothing from another host (the CSP says script-src 'self').
 * It uses exactly the JSON API described in bot/web/openapi.yml. Its words come from the agent's
 * catalog (i18n.js); whatever comes from the API reaches the page as text only (dom.js).
 *
 * Stable selectors (tests rely on them; keep them when changing the page):
 *   #login-view  #login-form  #username  #password  #login-submit  #console-language
 *   #login-error[data-kind="error"|"info"]          wrong password, too many attempts, session expired
 *   #app  #agent-name  #logout  #live-status[data-state="off"|"connecting"|"live"]
 *   #notice[data-kind="error"|"info"|"success"]  #notice-text  #notice-close  #announce (polite live region)
 *   #tab-open  #tab-closed  #count-open  #queue[data-status="open"|"closed"]  #queue-empty
 *   #view-all  #view-mine  #view-unassigned [aria-pressed]  #search  #filters select[data-filter]
 *   #queue .case[data-case-id][data-priority][data-status][data-agent][data-unread][data-live][aria-selected]
 *       .priority  .reason  .wait  .customer  .status  .lang  .channel  .summary  .csat  .unread-count
 *   #case[data-case-id][data-status][data-agent][data-mine]  #case-title  #case-meta  #case-empty  #back-to-queue
 *   #case-stage  #case-category (selects)  #claim  #handback  #resolve  #confirm-dialog  #confirm-text  #confirm-ok  #confirm-cancel
 *   #transcript .item[data-sender="customer"|"bot"|"agent"][data-kind][data-delivered]
 *       .text  .time  .sender-label  .buttons  .undelivered
 *   #reply-form  #reply-text  #reply-send  #canned (a <select>; choosing inserts the text)  #reply-hint
 *   #suggestions .suggestion[data-source]   #context .insert-fact[data-insert]
 *   #notes li.note  #note-form  #note-text  #note-add
 *   #context[data-case-id]  #ctx-customer  #ctx-tier[data-tier]  .vip-badge  #ctx-identity[data-verified]
 *       #ctx-anger  #ctx-reason  #ctx-csat  #ctx-lookups  #ctx-slots  #ctx-intents  #ctx-entities  #ctx-earlier
 */
import { $, el } from './dom.js';
import { ApiError, api, onSessionExpired, setToken, storedToken, token } from './api.js';
import { currentLanguage, loadTexts, rememberLanguage, spokenLanguages, t, translatePage, waitInWords } from './i18n.js';
import { isMine, state } from './state.js';
import { queueQuery, reasonText, renderQueue, tickQueue } from './queue.js';
import {
  insertIntoReply, onCannedChange, renderButtons, renderCaseFields, renderCaseMeta, renderNotes, renderReplyBox, renderTranscript,
} from './case-view.js';
import { renderContext } from './context-panel.js';
import { LiveStream } from './stream.js';
import { renderFilters } from './filters.js';
import { loadSuggestions } from './assist.js';
import { notifyNewCases, resetNotifications, setUpNotifyButton } from './notify.js';

const TICK_MS = 30000;
const SEARCH_DELAY_MS = 250;
const timers = { tick: null, refresh: null, loginRetry: null, notice: null, search: null };
let pendingCaseIds = null;

// --- notices -------------------------------------------------------------------------------------

function showNotice(text, kind = 'error', timeoutMs) {
  clearTimeout(timers.notice);
  $('#notice-text').textContent = text;
  $('#notice').dataset.kind = kind;
  $('#notice').hidden = false;
  const wait = timeoutMs !== undefined ? timeoutMs : (kind === 'error' ? 0 : 6000);
  if (wait) timers.notice = setTimeout(hideNotice, wait);
}

function hideNotice() {
  clearTimeout(timers.notice);
  $('#notice').hidden = true;
}

/** Said by screen readers without moving the focus. */
function announce(text) { $('#announce').textContent = text; }

function reportError(error) {
  if (error && error.status === 401) return; // the login form says it
  showNotice(error && error.message ? error.message : String(error), 'error');
  if (error && !(error instanceof ApiError) && window.console) console.error(error);
}

// --- the console's language ------------------------------------------------------------------------

function renderLanguagePicker() {
  const select = $('#console-language');
  select.replaceChildren(...spokenLanguages().map((l) => el('option', { value: l.code, lang: l.code }, l.name)));
  select.value = currentLanguage();
  select.setAttribute('aria-label', t('language_label'));
}

/** Everything with words on it, again (after a change of language). */
function redrawWords() {
  translatePage();
  renderLanguagePicker();
  document.title = t('page_title');
  setLive($('#live-status').dataset.state);
  renderFilters();
  setUpNotifyButton();
  renderQueue();
  updateTitle();
  if (state.current) showCase(state.current);
  else showCase(null);
}

async function onLanguageChange() {
  const language = $('#console-language').value;
  rememberLanguage(language);
  await loadTexts(language);
  if (token()) {
    try {
      const result = await api('PUT', '/api/me', { language });
      state.me = result.data;
    } catch (error) { reportError(error); }
    await Promise.all([refreshQueue(), refreshCase()]);  // reasons and summaries are written by the server
  }
  redrawWords();
}

// --- login, logout, expired sessions ----------------------------------------------------------------

function showLogin(message, kind) {
  $('#app').hidden = true;
  $('#agent-box').hidden = true;
  $('#live-status').hidden = true;
  $('#login-view').hidden = false;
  setLoginMessage(message, kind);
  const username = $('#username');
  (username.value ? $('#password') : username).focus();
  document.title = t('page_title');
}

function setLoginMessage(message, kind = 'error') {
  const box = $('#login-error');
  box.textContent = message || '';
  box.dataset.kind = kind;
  box.hidden = !message;
}

function sessionExpired() {
  if (!token()) return;
  endSession();
  showLogin(t('session_expired'), 'info');
}

function endSession() {
  setToken(null);
  state.me = null;
  stream.stop();
  resetNotifications();
  clearInterval(timers.tick);
  clearTimeout(timers.refresh);
  Object.assign(state, { cases: [], current: null, selectedId: null, drafts: {}, seen: {} });
  hideNotice();
  $('#queue').replaceChildren();
  showCase(null);
}

async function onLoginSubmit(event) {
  event.preventDefault();
  const username = $('#username').value.trim();
  const password = $('#password').value;
  if (!username || !password) { setLoginMessage(t('enter_credentials')); return; }
  const button = $('#login-submit');
  button.disabled = true;
  setLoginMessage('');
  try {
    const result = await api('POST', '/api/auth/login', { username, password }, { noAuth: true });
    if (!result.data || !result.data.token) throw new ApiError(500, t('no_session'));
    setToken(result.data.token);
    $('#password').value = '';
    button.disabled = false;
    await startApp();
  } catch (error) {
    button.disabled = false;
    if (error.status === 401) {
      setLoginMessage(t('wrong_password'));
      $('#password').value = '';
      $('#password').focus();
    } else if (error.status === 429) {
      loginLockout(error);
    } else {
      setLoginMessage(error.message || t('login_failed'));
    }
  }
}

function loginLockout(error) {
  let seconds = parseInt(error.retryAfter, 10);
  if (!(seconds >= 0) && error.data) seconds = parseInt(error.data.retry_after_s, 10);
  if (!(seconds >= 0)) seconds = 60;
  const button = $('#login-submit');
  clearInterval(timers.loginRetry);
  const until = Date.now() + seconds * 1000;
  const update = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left <= 0) {
      clearInterval(timers.loginRetry);
      button.disabled = false;
      setLoginMessage(t('try_again_now'), 'info');
      return;
    }
    button.disabled = true;
    setLoginMessage(t('too_many_attempts', { wait: waitInWords(left) }));
  };
  update();
  timers.loginRetry = setInterval(update, 1000);
}

function logout() {
  const used = token();
  endSession();
  showLogin(t('signed_out'), 'info');
  if (used) fetch('/api/auth/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + used }, cache: 'no-store' }).catch(() => {});
}

/** Supervisors: links to the insights and privacy pages. */
function addSupervisorLinks() {
  if (!$('#insights-link')) $('#agent-box').prepend(el('a.btn.btn-quiet', { id: 'insights-link', href: '/agent/insights', 'data-t': 'insights_link' }, t('insights_link')));
  if ($('#privacy-link')) return;
  const link = el('a.btn.btn-quiet', { id: 'privacy-link', href: '/agent/privacy' }, '');
  $('#agent-box').prepend(link);
  fetch('/api/privacy/texts?language=' + encodeURIComponent(currentLanguage())).then((r) => r.json())
    .then((body) => { link.textContent = body.texts.console_link; });
}

/** After login, or on page load with a stored token: the agent's own language from then on. */
async function startApp() {
  try {
    const result = await api('GET', '/api/me');
    state.me = result.data || {};
    if (state.me.language && state.me.language !== currentLanguage()) {
      await loadTexts(state.me.language);
      redrawWords();
    }
    rememberLanguage(currentLanguage());
    $('#agent-name').textContent = state.me.display_name && state.me.display_name !== state.me.username
      ? state.me.display_name + ' (' + state.me.username + ')' : (state.me.username || '');
    $('#login-view').hidden = true;
    setLoginMessage('');
    $('#app').hidden = false;
    $('#agent-box').hidden = false;
    if (state.me.role === 'supervisor') addSupervisorLinks();
    $('#live-status').hidden = false;
    setTab(state.tab, true);
    clearInterval(timers.tick);
    timers.tick = setInterval(tick, TICK_MS);
    stream.start();
    const fromHash = /^#case-(\d+)$/.exec(location.hash);
    if (fromHash) selectCase(Number(fromHash[1]));
  } catch (error) {
    if (error.status !== 401) showLogin(error.message);
  }
}

// --- the queue --------------------------------------------------------------------------------------

function setTab(tab, force) {
  if (tab === state.tab && !force) return;
  state.tab = tab;
  for (const name of ['open', 'closed']) $('#tab-' + name).setAttribute('aria-selected', String(name === tab));
  $('#queue').dataset.status = tab;
  state.cases = [];
  renderQueue();
  refreshQueue();
}

function setView(view) {
  state.view = view;
  document.querySelectorAll('#views .view').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.view === view)));
  refreshQueue();
}

async function refreshQueue() {
  if (!token()) return;
  const seq = ++state.queueSeq;
  const tab = state.tab;
  try {
    const result = await api('GET', queueQuery(tab));
    if (seq !== state.queueSeq || tab !== state.tab) return;
    const cases = (result.data && Array.isArray(result.data.cases)) ? result.data.cases : [];
    if (tab === 'open') notifyNewCases(cases, state.cases);
    state.cases = cases;
    state.fetchedAt = Date.now();
    renderQueue();
    updateTitle();
    if (state.search || Object.values(state.filters).some(Boolean)) announce(cases.length === 1 ? t('queue_found_one') : t('queue_found', { count: cases.length }));
    if (tab !== 'open') refreshOpenCount();
  } catch (error) { reportError(error); }
}

function updateTitle() {
  if (state.tab !== 'open') return;
  const waiting = state.cases.filter((c) => c.status === 'pending' || c.status === 'ticket').length;
  $('#count-open').textContent = state.cases.length ? String(state.cases.length) : '';
  document.title = (waiting ? '(' + waiting + ') ' : '') + t('page_title');
}

async function refreshOpenCount() {
  try {
    const result = await api('GET', queueQuery('open'));
    const cases = (result.data && Array.isArray(result.data.cases)) ? result.data.cases : [];
    $('#count-open').textContent = cases.length ? String(cases.length) : '';
  } catch (e) { /* the count can wait */ }
}

function onSearchInput() {
  clearTimeout(timers.search);
  timers.search = setTimeout(() => {
    state.search = $('#search').value.trim().slice(0, 100);
    refreshQueue();
  }, SEARCH_DELAY_MS);
}

function onFilterChange(event) {
  const select = event.target.closest('select[data-filter]');
  if (!select) return;
  state.filters[select.dataset.filter] = select.value;
  refreshQueue();
}

function tick() {
  tickQueue();
  if (state.current) renderCaseMeta(state.current);
  if ($('#live-status').dataset.state !== 'live') { refreshQueue(); if (state.selectedId !== null) refreshCase(); }
}

function onQueueClick(event) {
  const item = event.target.closest('.case[data-case-id]');
  if (item) selectCase(Number(item.dataset.caseId), true);
}

function onQueueKey(event) {
  const item = event.target.closest('.case[data-case-id]');
  if (!item) return;
  if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); selectCase(Number(item.dataset.caseId), true); }
  else if (event.key === 'ArrowDown' && item.nextElementSibling) { event.preventDefault(); item.nextElementSibling.focus(); }
  else if (event.key === 'ArrowUp' && item.previousElementSibling) { event.preventDefault(); item.previousElementSibling.focus(); }
}

// --- the open case ---------------------------------------------------------------------------------

function selectCase(id, byAgent) {
  if (state.current && state.selectedId !== null) state.drafts[state.selectedId] = $('#reply-text').value;
  state.selectedId = id;
  document.querySelectorAll('#queue .case').forEach((item) => item.setAttribute('aria-selected', String(item.dataset.caseId === String(id))));
  try { history.replaceState(null, '', '#case-' + id); } catch (e) { /* not important */ }
  state.current = null;
  showCase(null, true);
  refreshCase().then(() => {
    // one column on a phone: the case comes after the queue, so go to it
    if (byAgent && window.matchMedia('(max-width: 600px)').matches) $('#case-pane').scrollIntoView({ block: 'start' });
  });
}

async function refreshCase() {
  const id = state.selectedId;
  if (id === null || !token()) return;
  const seq = ++state.caseSeq;
  try {
    const result = await api('GET', '/api/cases/' + encodeURIComponent(id));
    if (seq !== state.caseSeq || id !== state.selectedId) return;
    showCase(result.data);
  } catch (error) {
    if (seq !== state.caseSeq) return;
    if (error.status === 404) { state.selectedId = null; showCase(null); }
    reportError(error);
  }
}

function showCase(c, loading) {
  const pane = $('#case');
  if (!c) {
    state.current = null;
    pane.hidden = true;
    const empty = $('#case-empty');
    empty.hidden = false;
    empty.textContent = loading ? t('case_loading') : t('case_empty');
    $('#context').replaceChildren(el('p.empty', t('context_empty')));
    delete $('#context').dataset.caseId;
    $('#suggestions').hidden = true;
    return;
  }
  const switched = !state.current || state.current.id !== c.id;
  const before = state.current;
  state.current = c;
  const customerMessages = typeof c.customer_messages === 'number' ? c.customer_messages : 0;
  if (c.last_message_at) state.seen[c.id] = { at: c.last_message_at, customerMessages };
  state.currentFetchedAt = Date.now();
  $('#case-empty').hidden = true;
  pane.hidden = false;
  pane.dataset.caseId = c.id;
  pane.dataset.status = c.status || '';
  pane.dataset.mine = String(isMine(c));
  if (c.agent) pane.dataset.agent = c.agent; else delete pane.dataset.agent;
  $('#case-title').textContent = c.customer_name || c.contact || t('unknown_customer');
  renderCaseMeta(c);
  renderCaseFields(c);
  renderButtons(c);
  renderTranscript(c, switched);
  renderNotes(c);
  renderContext(c, reasonText);
  renderReplyBox(c, switched);
  const lastCustomer = (c.transcript || []).filter((m) => m.sender === 'customer').pop();
  const lastBefore = before && !switched ? (before.transcript || []).filter((m) => m.sender === 'customer').pop() : null;
  // The transcript is redrawn on each update: only what the customer just wrote is read out.
  if (!switched && lastCustomer && lastBefore && lastBefore.id !== lastCustomer.id) announce(t('sender.customer') + ': ' + lastCustomer.text);
  if (switched || (lastCustomer && (!lastBefore || lastBefore.id !== lastCustomer.id))) loadSuggestions(c);
  else if (isMine(c) !== isMine(before)) loadSuggestions(c);
}

async function caseAction(path, body, done, what) {
  const c = state.current;
  if (!c || state.busy) return;
  state.busy = true;
  const id = c.id;
  try {
    const result = await api('POST', '/api/cases/' + encodeURIComponent(id) + path, body, { what });
    if (result.data && result.data.id === id && state.selectedId === id) showCase(result.data);
    if (done) { showNotice(done, 'success'); announce(done); }
    refreshQueue();
    if (!(result.data && result.data.id === id)) await refreshCase();
  } catch (error) {
    reportError(error);
    if (error.status === 409 || error.status === 404) { refreshCase(); refreshQueue(); }
  } finally {
    state.busy = false;
  }
}

async function onClaim() {
  const c = state.current;
  if (!c) return;
  if (c.status === 'assigned' && !isMine(c)) {
    if (await confirmDialog(t('confirm_take_over', { agent: c.agent_name || c.agent || t('another_agent') }), t('take_over'))) {
      await caseAction('/claim', { takeover: true }, t('notice_took_over'));
    }
  } else {
    await caseAction('/claim', { takeover: false }, t('notice_claimed'));
    if (isMine(state.current)) $('#reply-text').focus();
  }
}

async function onHandback() {
  if (await confirmDialog(t('confirm_handback'), t('handback'))) await caseAction('/handback', undefined, t('notice_handed_back'));
}

async function onResolve() {
  if (await confirmDialog(t('confirm_resolve'), t('resolve'))) await caseAction('/resolve', undefined, t('notice_resolved'));
}

/** A new status or team for the case; the server tells the customer when the shop wants it. */
async function onCaseFieldChange(event) {
  const c = state.current;
  if (!c) return;
  const field = event.target.id === 'case-stage' ? 'stage' : 'category';
  try {
    const result = await api('POST', '/api/cases/' + encodeURIComponent(c.id) + '/stage', { [field]: event.target.value });
    if (result.data && state.selectedId === c.id) showCase(result.data);
    const done = result.data && result.data.told_customer ? t('notice_stage_told') : t('notice_stage_saved');
    showNotice(done, 'success');
    announce(done);
    refreshQueue();
  } catch (error) {
    reportError(error);
    refreshCase();
  }
}

async function onReplySubmit(event) {
  event.preventDefault();
  const c = state.current;
  const box = $('#reply-text');
  const text = box.value.trim();
  if (!c || !text || box.disabled) return;
  const send = $('#reply-send');
  if (send.dataset.sending === 'true') return;
  send.dataset.sending = 'true';
  send.disabled = true;
  const id = c.id;
  try {
    const result = await api('POST', '/api/cases/' + encodeURIComponent(id) + '/messages', { text }, { what: 'message' });
    if (state.selectedId === id) {
      box.value = '';
      delete state.drafts[id];
      const message = result.data && result.data.message;
      if (message && state.current && state.current.id === id) {
        state.current = { ...state.current, transcript: (state.current.transcript || []).concat([message]) };
        renderTranscript(state.current, true);
      }
      if (message && message.delivered === false) showNotice(t('reply_not_delivered'), 'error');
    }
    refreshCase();
  } catch (error) {
    reportError(error);
    if (error.status === 409) { refreshCase(); refreshQueue(); }
  } finally {
    send.dataset.sending = 'false';
    send.disabled = !isMine(state.current);
  }
}

function onReplyKey(event) {
  if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey && !event.isComposing) {
    event.preventDefault();
    $('#reply-form').requestSubmit();
  }
}

async function onNoteSubmit(event) {
  event.preventDefault();
  const c = state.current;
  const input = $('#note-text');
  const text = input.value.trim();
  if (!c || !text) return;
  $('#note-add').disabled = true;
  try {
    await api('POST', '/api/cases/' + encodeURIComponent(c.id) + '/notes', { text });
    input.value = '';
    await refreshCase();
  } catch (error) { reportError(error); }
  $('#note-add').disabled = false;
}

/** One click on a "+" in the context panel, or on a suggestion: its text goes into the reply. A
 *  linked case (the same customer elsewhere) opens in place. */
function onInsertClick(event) {
  const button = event.target.closest('[data-insert]');
  if (button) insertIntoReply(button.dataset.insert);
  const link = event.target.closest('[data-open-case]');
  if (link) { event.preventDefault(); selectCase(Number(link.dataset.openCase), true); }
}

function confirmDialog(text, okLabel) {
  const dialog = $('#confirm-dialog');
  $('#confirm-text').textContent = text;
  $('#confirm-ok').textContent = okLabel || t('confirm_ok');
  return new Promise((resolve) => {
    const finish = (answer) => {
      $('#confirm-ok').removeEventListener('click', ok);
      $('#confirm-cancel').removeEventListener('click', cancel);
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const ok = () => finish(true);
    const cancel = (event) => { if (event) event.preventDefault(); finish(false); };
    $('#confirm-ok').addEventListener('click', ok);
    $('#confirm-cancel').addEventListener('click', cancel);
    dialog.addEventListener('cancel', cancel);
    dialog.showModal();
    $('#confirm-cancel').focus();
  });
}

// --- live updates -------------------------------------------------------------------------------------

function setLive(name) {
  const box = $('#live-status');
  box.dataset.state = name;
  box.querySelector('.live-label').textContent = name === 'live' ? t('live_on') : name === 'connecting' ? t('live_connecting') : t('live_off');
  box.title = name === 'live' ? t('live_on_title') : t('live_off_title');
}

function onStreamEvent(name, data) {
  if (name === 'expired') { sessionExpired(); return; }
  if (name !== 'update' && name !== 'message') return;
  let payload = null;
  try { payload = JSON.parse(data); } catch (e) { payload = null; }
  const ids = payload && Array.isArray(payload.case_ids) ? payload.case_ids.map(String) : null;
  if (ids === null) pendingCaseIds = 'all';
  else if (pendingCaseIds !== 'all') pendingCaseIds = (pendingCaseIds || []).concat(ids);
  clearTimeout(timers.refresh);
  timers.refresh = setTimeout(flushUpdates, 120);
}

function flushUpdates() {
  const ids = pendingCaseIds;
  pendingCaseIds = null;
  refreshQueue();
  if (state.selectedId !== null && (ids === 'all' || (ids && ids.includes(String(state.selectedId))))) refreshCase();
}

const stream = new LiveStream({
  onState: setLive,
  onEvent: onStreamEvent,
  onReconnected: () => { refreshQueue(); refreshCase(); },
  onUnauthorized: sessionExpired,
});

// --- start --------------------------------------------------------------------------------------------

async function init() {
  onSessionExpired(sessionExpired);
  await loadTexts();
  redrawWords();
  $('#console-language').addEventListener('change', onLanguageChange);
  $('#login-form').addEventListener('submit', onLoginSubmit);
  $('#logout').addEventListener('click', logout);
  $('#notice-close').addEventListener('click', hideNotice);
  $('#tab-open').addEventListener('click', () => setTab('open'));
  $('#tab-closed').addEventListener('click', () => setTab('closed'));
  $('#views').addEventListener('click', (event) => { const b = event.target.closest('.view'); if (b) setView(b.dataset.view); });
  $('#search').addEventListener('input', onSearchInput);
  $('#search-form').addEventListener('submit', (event) => { event.preventDefault(); clearTimeout(timers.search); state.search = $('#search').value.trim().slice(0, 100); refreshQueue(); });
  $('#filters').addEventListener('change', onFilterChange);
  $('#queue').addEventListener('click', onQueueClick);
  $('#queue').addEventListener('keydown', onQueueKey);
  $('#back-to-queue').addEventListener('click', () => { $('#queue-pane').scrollIntoView({ block: 'start' }); $('#queue-pane').focus(); });
  $('#claim').addEventListener('click', onClaim);
  $('#handback').addEventListener('click', onHandback);
  $('#resolve').addEventListener('click', onResolve);
  $('#reply-form').addEventListener('submit', onReplySubmit);
  $('#reply-text').addEventListener('keydown', onReplyKey);
  $('#reply-text').addEventListener('input', () => { if (state.selectedId !== null) state.drafts[state.selectedId] = $('#reply-text').value; });
  $('#canned').addEventListener('change', onCannedChange);
  $('#note-form').addEventListener('submit', onNoteSubmit);
  $('#case-stage').addEventListener('change', onCaseFieldChange);
  $('#case-category').addEventListener('change', onCaseFieldChange);
  $('#context').addEventListener('click', onInsertClick);
  $('#suggestions').addEventListener('click', onInsertClick);

  const stored = storedToken();
  if (stored) { setToken(stored); startApp(); } else showLogin('');
}

init();
