// The open case: its header, the transcript, the notes and the reply box.
import { $, el, oneOf, setChildren } from './dom.js';
import { api } from './api.js';
import {
  channelLabel, dateOf, duration, fullDateTime, languageName, parseTime, priorityLabel, relative, sameDay, shortDateTime, t, timeOf,
} from './i18n.js';
import { OPEN_STATUSES, PRIORITIES, STATUSES, isMine, state, waitingSeconds } from './state.js';
import { reasonText, statusText } from './queue.js';

export function renderCaseMeta(c) {
  const priority = oneOf(c.priority_label, PRIORITIES, 'normal');
  const status = oneOf(c.status, STATUSES, 'pending');
  const created = parseTime(c.created_at);
  const wait = OPEN_STATUSES.indexOf(status) >= 0 ? waitingSeconds(c, state.currentFetchedAt) : null;
  setChildren($('#case-meta'), [
    el('span.tag.priority.prio-' + priority, priorityLabel(priority)),
    el('span.tag.status.st-' + status + (isMine(c) ? '.mine' : ''), statusText(c)),
    el('span', reasonText(c)),
    el('span', '· ' + channelLabel(c.channel) + ' · ' + languageName(c.language)),
    c.contact ? el('span', '· ' + c.contact) : null,
    created ? el('span.opened', { title: fullDateTime(created) }, '· ' + t('opened', { when: relative(created) })) : null,
    wait !== null ? el('span', '· ' + t('waiting_for', { duration: duration(wait) })) : null,
    el('span.small', { title: c.conversation_id || '' }, '· ' + t('case_number', { id: c.id }))]);
}

export function renderButtons(c) {
  const open = OPEN_STATUSES.indexOf(c.status) >= 0;
  const mine = isMine(c);
  const ownedByOther = c.status === 'assigned' && !mine;
  const claim = $('#claim');
  claim.textContent = ownedByOther ? t('take_over') : t('claim');
  claim.disabled = !open || mine;
  claim.title = mine ? t('claim_title_mine') : ownedByOther ? t('claim_title_other', { agent: c.agent_name || c.agent || t('another_agent') })
    : open ? t('claim_title_open') : t('claim_title_closed');
  claim.classList.toggle('btn-danger', ownedByOther);
  claim.classList.toggle('btn-primary', !ownedByOther);
  $('#handback').disabled = !mine;
  $('#resolve').disabled = !mine;
}

export function renderReplyBox(c, switched) {
  const mine = isMine(c);
  const text = $('#reply-text');
  if (switched) text.value = state.drafts[c.id] || '';
  text.disabled = !mine;
  $('#reply-send').disabled = !mine;
  $('#reply-hint').textContent = mine ? t('reply_hint_mine', { channel: channelLabel(c.channel), language: languageName(c.language) })
    : OPEN_STATUSES.indexOf(c.status) >= 0 ? t('reply_hint_claim') : t('reply_hint_closed');
  loadCanned(c.language, mine);
}

function loadCanned(language, enabled) {
  const select = $('#canned');
  const lang = language || 'es';
  const fill = (replies) => {
    if (!state.current || (state.current.language || 'es') !== lang) return;
    select.replaceChildren(el('option', { value: '' }, replies.length ? t('canned_placeholder') : t('canned_none')),
      ...replies.map((reply, index) => el('option', { value: String(index), title: reply.text || '' }, reply.title || reply.key || String(index + 1))));
    select.value = '';
    select.disabled = !enabled || !replies.length;
    select.dataset.language = lang;
  };
  if (state.canned[lang]) { fill(state.canned[lang]); return; }
  select.disabled = true;
  api('GET', '/api/canned-replies?language=' + encodeURIComponent(lang)).then((result) => {
    state.canned[lang] = (result.data && Array.isArray(result.data.replies)) ? result.data.replies : [];
    fill(state.canned[lang]);
  }).catch(() => {});
}

/** Puts `text` into the reply box at the cursor (a canned reply, a suggestion, an order fact). */
export function insertIntoReply(text) {
  const box = $('#reply-text');
  if (box.disabled || !text) return false;
  const start = box.selectionStart;
  const end = box.selectionEnd;
  box.setRangeText(text, start, end, 'end');
  box.focus();
  if (state.selectedId !== null) state.drafts[state.selectedId] = box.value;
  return true;
}

export function onCannedChange() {
  const select = $('#canned');
  const reply = (state.canned[select.dataset.language] || [])[Number(select.value)];
  select.value = '';
  if (reply && reply.text) insertIntoReply(reply.text);
}

export function renderTranscript(c, switched) {
  const box = $('#transcript');
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const items = Array.isArray(c.transcript) ? c.transcript : [];
  const nodes = [];
  let lastDay = null;
  for (const item of items) {
    const when = parseTime(item.timestamp);
    if (when && (!lastDay || !sameDay(lastDay, when))) {
      nodes.push(el('div.day-sep', sameDay(when, new Date()) ? t('today') : dateOf(when)));
      lastDay = when;
    }
    nodes.push(transcriptItem(item, when));
  }
  if (!items.length) nodes.push(el('p.empty', t('no_messages')));
  box.replaceChildren(...nodes);
  if (switched || nearBottom) box.scrollTop = box.scrollHeight;
}

function transcriptItem(item, when) {
  const sender = oneOf(item.sender, ['customer', 'bot', 'agent'], 'bot');
  const kind = oneOf(item.kind, ['message', 'button', 'attachment'], 'message');
  const text = item.text === undefined || item.text === null ? '' : String(item.text);
  const shown = kind === 'button' ? t('clicked', { text }) : kind === 'attachment' ? t('attachment', { text }) : text;
  const label = sender === 'agent' && (item.agent_name || item.agent) ? (item.agent_name || item.agent) : t('sender.' + sender);
  const buttons = Array.isArray(item.buttons) && item.buttons.length
    ? el('div.buttons', { title: t('offered_buttons') }, item.buttons.map((b) => el('span', typeof b === 'object' && b !== null ? (b.title || '') : String(b))))
    : null;
  return el('div.item', { dataset: { sender, kind, delivered: sender === 'agent' ? String(item.delivered !== false) : undefined, id: item.id } },
    el('div.bubble', el('span.text', shown)),
    buttons,
    el('div.meta',
      el('span.sender-label', label),
      when ? el('time.time', { datetime: when.toISOString(), title: fullDateTime(when) }, timeOf(when)) : null,
      item.channel && item.channel !== (state.current && state.current.channel) ? el('span', channelLabel(item.channel)) : null,
      sender === 'agent' && item.delivered === false ? el('span.undelivered', { title: t('not_delivered_title') }, t('not_delivered')) : null));
}

export function renderNotes(c) {
  const notes = Array.isArray(c.notes) ? c.notes : [];
  const list = $('#notes');
  list.replaceChildren(...notes.map((note) => {
    const when = parseTime(note.created_at);
    return el('li.note', el('span.note-meta', (note.agent || '') + (when ? ' · ' + shortDateTime(when) : '')), el('span.note-text', note.text || ''));
  }));
  if (!notes.length) list.appendChild(el('li.muted.small', t('no_notes')));
}

const STAGES = ['received', 'in_progress', 'waiting_customer'];
const CATEGORIES = ['returns', 'payments', 'shipping', 'general'];

/** The case's status as the customer sees it, and its team: the owner (or a supervisor) changes them. */
export function renderCaseFields(c) {
  const open = OPEN_STATUSES.indexOf(c.status) >= 0;
  const editable = open && (isMine(c) || (state.me && state.me.role === 'supervisor'));
  const stage = $('#case-stage');
  const stages = STAGES.includes(c.stage) ? STAGES : STAGES.concat([c.stage || 'received']);
  stage.replaceChildren(...stages.map((s) => el('option', { value: s }, t('stage.' + s))));
  stage.value = c.stage || 'received';
  stage.disabled = !editable;
  const category = $('#case-category');
  category.replaceChildren(...CATEGORIES.map((k) => el('option', { value: k }, t('team.' + k))));
  category.value = c.category || 'general';
  category.disabled = !editable;
}
