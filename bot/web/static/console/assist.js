// Agent assist: for the customer's last message, what the bot itself would answer (an FAQ or the
// shop's policy, in the customer's language) and the canned replies that fit best, one click each.
import { $, el } from './dom.js';
import { api } from './api.js';
import { t } from './i18n.js';
import { isMine, state } from './state.js';

let seq = 0;

export async function loadSuggestions(c) {
  const box = $('#suggestions');
  const mine = isMine(c);
  const asked = ++seq;
  if (!mine) { box.hidden = true; box.replaceChildren(); return; }
  let suggestions = [];
  try {
    const result = await api('GET', '/api/cases/' + encodeURIComponent(c.id) + '/suggestions');
    suggestions = (result.data && Array.isArray(result.data.suggestions)) ? result.data.suggestions : [];
  } catch (e) { suggestions = []; }
  if (asked !== seq || !state.current || state.current.id !== c.id) return;
  box.replaceChildren(el('span.suggestions-label', t('suggestions_label')), ...suggestions.map((s) =>
    el('button.btn.suggestion', { type: 'button', dataset: { insert: s.text, source: s.source }, title: s.text },
      el('span.suggestion-source', t('suggestion_' + s.source)), ' ', s.title || s.text.slice(0, 60))));
  box.hidden = !suggestions.length;
}
