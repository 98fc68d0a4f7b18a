// The queue's filters: each a <select> whose options are named in the agent's language.
import { $, el } from './dom.js';
import { channelLabel, has, languageName, priorityLabel, spokenLanguages, t } from './i18n.js';
import { state } from './state.js';

const CHANNELS = ['socketio', 'whatsapp', 'rest'];
const PRIORITY_LABELS = ['urgent', 'high', 'normal'];
const REASONS = ['customer_request', 'complaint', 'not_understood', 'identity_failed', 'late_order', 'damaged_item',
  'backend_down', 'asked_for_person', 'repeated_contact', 'double_charge', 'erasure_request'];
export const TEAMS = ['returns', 'payments', 'shipping', 'general'];

function fill(select, values, label) {
  const keep = state.filters[select.dataset.filter] || '';
  select.replaceChildren(el('option', { value: '' }, t('filter_any')), ...values.map((v) => el('option', { value: v }, label(v))));
  select.value = values.includes(keep) ? keep : '';
}

export function renderFilters() {
  fill($('#filter-channel'), CHANNELS, channelLabel);
  fill($('#filter-language'), spokenLanguages().map((l) => l.code), languageName);
  fill($('#filter-priority'), PRIORITY_LABELS, priorityLabel);
  fill($('#filter-reason'), REASONS.filter((r) => has('reason.' + r)), (r) => { const s = t('reason.' + r); return s.charAt(0).toUpperCase() + s.slice(1); });
  fill($('#filter-team'), TEAMS, (team) => t('team.' + team));
}
