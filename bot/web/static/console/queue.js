// The queue: the cases the API lists for the current tab, view, search and filters, in the order
// the server decides (priority, then waiting time; live chats before tickets).
import { $, el, oneOf } from './dom.js';
import { capitalize, channelLabel, duration, fullDateTime, parseTime, priorityLabel, shortDateTime, t } from './i18n.js';
import { OPEN_STATUSES, PRIORITIES, STATUSES, caseById, isMine, state, waitingSeconds } from './state.js';
import { stars } from './context-panel.js';

export function reasonText(c) { return capitalize(String(c.reason_label || c.reason || '')); }

export function statusText(c) {
  if (c.status === 'assigned') return isMine(c) ? t('status_yours') : (c.agent_name || c.agent ? t('status_assigned_to', { agent: c.agent_name || c.agent }) : t('status.assigned'));
  return t('status.' + c.status);
}

/** The query of GET /api/cases for what the agent chose to see. */
export function queueQuery(tab = state.tab) {
  const query = new URLSearchParams({ status: tab });
  if (state.view !== 'all') query.set('view', state.view);
  if (state.search) query.set('q', state.search);
  for (const [name, value] of Object.entries(state.filters)) if (value) query.set(name, value);
  return '/api/cases?' + query.toString();
}

export function renderQueue() {
  const list = $('#queue');
  const focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest('#queue .case') : null;
  const focusedId = focused ? focused.dataset.caseId : null;
  list.replaceChildren(...state.cases.map(queueItem));
  $('#queue-empty').hidden = state.cases.length > 0;
  if (focusedId) {
    const again = list.querySelector('.case[data-case-id="' + CSS.escape(focusedId) + '"]');
    if (again) again.focus();
  }
}

/** Open cases with messages the agent hasn't seen (the customer wrote since the agent last looked). */
export function unreadCount(c) {
  if (!c || c.id === state.selectedId || OPEN_STATUSES.indexOf(c.status) < 0) return 0;
  const seen = state.seen[c.id];
  if (seen === undefined) return 0;
  return typeof c.customer_messages === 'number' ? Math.max(0, c.customer_messages - seen.customerMessages) : (c.last_message_at !== seen.at ? 1 : 0);
}

function queueItem(c) {
  const priority = oneOf(c.priority_label, PRIORITIES, 'normal');
  const status = oneOf(c.status, STATUSES, 'pending');
  const closed = OPEN_STATUSES.indexOf(status) < 0;
  const wait = closed ? null : waitingSeconds(c, state.fetchedAt);
  const created = parseTime(c.created_at);
  const unread = unreadCount(c);
  const who = c.customer_name || c.contact || t('unknown_customer');
  return el('li.case', {
    tabindex: '0', role: 'option',
    dataset: { caseId: c.id, priority, status, agent: c.agent || undefined, unread: unread ? String(unread) : undefined, live: c.live ? 'true' : undefined },
    'aria-selected': String(c.id === state.selectedId),
  },
    el('div.case-row',
      el('span.tag.priority.prio-' + priority, { title: t('priority_title', { points: c.priority }) }, priorityLabel(priority)),
      unread ? el('span.unread-count', { title: t('new_messages') }, String(unread), el('span.sr-only', ' ' + t('new_messages'))) : null,
      el('span.reason', reasonText(c)),
      closed
        ? el('span.wait', { title: created ? fullDateTime(created) : '' }, created ? shortDateTime(created) : '')
        : el('span.wait', { title: t('waiting_time'), dataset: { ticking: '1' } }, wait === null ? '' : duration(wait))),
    el('div.case-row.wrap',
      el('span.customer.who', who),
      el('span.tag.status.st-' + status + (isMine(c) ? '.mine' : ''), statusText(c)),
      el('span.tag.lang', { title: t('language_title') }, (c.language || '?').toUpperCase()),
      el('span.tag.chan.channel', { title: t('channel_title') }, channelLabel(c.channel)),
      c.linked_cases && c.linked_cases.length ? el('span.tag.linked', { title: t('linked_title') }, t('linked', { count: c.linked_cases.length })) : null,
      (c.csat !== undefined && c.csat !== null) ? el('span.csat', { title: t('csat_title', { score: c.csat }) }, stars(c.csat)) : null),
    el('div.summary', c.summary || ''));
}

/** Every 30 s the waiting times move on. */
export function tickQueue() {
  document.querySelectorAll('#queue .case').forEach((item) => {
    const c = caseById(item.dataset.caseId);
    const waitNode = item.querySelector('.wait[data-ticking]');
    if (c && waitNode) waitNode.textContent = duration(waitingSeconds(c, state.fetchedAt));
  });
}
