// What the console knows right now; one object shared by the modules.
export const OPEN_STATUSES = ['pending', 'ticket', 'assigned'];
export const STATUSES = ['pending', 'ticket', 'assigned', 'resolved', 'handed_back'];
export const PRIORITIES = ['urgent', 'high', 'normal'];

export const state = {
  me: null,              // {username, display_name, role, language, languages, teams}
  tab: 'open',           // open | closed
  view: 'all',           // all | mine | unassigned
  search: '',
  filters: {},           // channel, language, priority, reason, team -> value
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
  busy: false,
};

export function isMine(c) { return !!(c && state.me && c.status === 'assigned' && c.agent === state.me.username); }

export function caseById(id) { return state.cases.find((c) => String(c.id) === String(id)) || null; }

export function waitingSeconds(c, fetchedAt) {
  if (typeof c.waiting_s !== 'number') return null;
  // waiting_s counts until the case is claimed: only unclaimed cases keep ticking here
  const ticking = c.status === 'pending' || c.status === 'ticket';
  return c.waiting_s + (ticking ? (Date.now() - fetchedAt) / 1000 : 0);
}
