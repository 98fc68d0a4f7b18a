// The console's words and the way it writes dates, in the agent's language: the catalogs are
// bot/web/i18n/console/<lang>.yml, served by GET /api/console/texts. Times are shown in the shop's
// time zone (shop/support.yml), whatever the agent's computer says.

const CHOSEN_KEY = 'aurora_console_language';  // the last language chosen on this device, for the login form

const catalog = { language: 'es', locale: 'es-ES', timeZone: 'Europe/Madrid', languages: [], texts: {} };

/** Loads the words of `language` (or the one chosen on this device, or the shop's default). */
export async function loadTexts(language) {
  let wanted = language || '';
  if (!wanted) { try { wanted = localStorage.getItem(CHOSEN_KEY) || ''; } catch (e) { wanted = ''; } }
  const response = await fetch('/api/console/texts?language=' + encodeURIComponent(wanted), { cache: 'no-store' });
  const body = await response.json();
  catalog.language = body.language;
  catalog.languages = body.languages || [];
  catalog.timeZone = body.time_zone || undefined;
  catalog.texts = body.texts || {};
  catalog.locale = catalog.texts.locale || body.language;
  document.documentElement.lang = body.language;
  return catalog;
}

export function rememberLanguage(language) {
  try { localStorage.setItem(CHOSEN_KEY, language); } catch (e) { /* storage disabled: the account keeps it */ }
}

export function currentLanguage() { return catalog.language; }
export function spokenLanguages() { return catalog.languages; }

/** The text of `key`, with {placeholders} filled in; the key itself when the catalog lacks it. */
export function t(key, values) {
  const template = Object.prototype.hasOwnProperty.call(catalog.texts, key) ? catalog.texts[key] : key;
  return values ? template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole)) : template;
}

export function has(key) { return Object.prototype.hasOwnProperty.call(catalog.texts, key); }

/** Fills in every [data-t] (text), [data-t-placeholder], [data-t-label] (aria-label) and [data-t-title] of the page. */
export function translatePage(root = document) {
  root.querySelectorAll('[data-t]').forEach((node) => { node.textContent = t(node.dataset.t); });
  root.querySelectorAll('[data-t-placeholder]').forEach((node) => { node.placeholder = t(node.dataset.tPlaceholder); });
  root.querySelectorAll('[data-t-label]').forEach((node) => { node.setAttribute('aria-label', t(node.dataset.tLabel)); });
  root.querySelectorAll('[data-t-title]').forEach((node) => { node.title = t(node.dataset.tTitle); });
}

// --- dates and times ------------------------------------------------------------------------------

function format(date, options) {
  return new Intl.DateTimeFormat(catalog.locale, { timeZone: catalog.timeZone, ...options }).format(date);
}

/** The calendar day of `date` in the shop's time zone ("2026-12-01"). */
function dayKey(date) { return format(date, { year: 'numeric', month: '2-digit', day: '2-digit' }).replace(/\D/g, ''); }

export function parseTime(value) {
  if (value === undefined || value === null || value === '') return null;
  const date = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return isNaN(date.getTime()) ? null : date;
}

export function sameDay(a, b) { return dayKey(a) === dayKey(b); }
export function timeOf(date) { return format(date, { hour: '2-digit', minute: '2-digit' }); }
export function dateOf(date) { return format(date, { day: 'numeric', month: 'short', year: 'numeric' }); }
export function fullDateTime(date) { return format(date, { dateStyle: 'full', timeStyle: 'short' }); }

/** "14:05" today, "Ayer 14:05", "28 nov 14:05" before. */
export function shortDateTime(date) {
  const now = new Date();
  if (sameDay(date, now)) return timeOf(date);
  if (sameDay(date, new Date(now.getTime() - 86400000))) return t('yesterday') + ' ' + timeOf(date);
  return format(date, { day: 'numeric', month: 'short' }) + ' ' + timeOf(date);
}

/** A calendar date the backend sends as "2026-12-21" (no time, no zone): written as it is, in words. */
export function plainDate(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
  if (!match) return String(text);
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12));
  return new Intl.DateTimeFormat(catalog.locale, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(date);
}

/** "hace 5 min", "5 min ago", "há 5 min". */
export function relative(date) {
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const words = new Intl.RelativeTimeFormat(catalog.locale, { numeric: 'auto', style: 'short' });
  const abs = Math.abs(seconds);
  if (abs < 60) return words.format(0, 'minute');
  if (abs < 3600) return words.format(Math.trunc(seconds / 60), 'minute');
  if (abs < 86400) return words.format(Math.trunc(seconds / 3600), 'hour');
  return words.format(Math.trunc(seconds / 86400), 'day');
}

/** A waiting time: "menos de 1 min", "12 min", "2 h 5 min", "1 d 3 h". */
export function duration(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  if (seconds < 60) return t('duration_under_minute');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('duration_minutes', { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('duration_hours', { hours, minutes: minutes % 60 });
  return t('duration_days', { days: Math.floor(hours / 24), hours: hours % 24 });
}

/** How long to wait before trying again: "45 segundos", "2 minutos". */
export function waitInWords(seconds) {
  if (seconds < 60) return seconds === 1 ? t('one_second') : t('seconds', { n: seconds });
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? t('one_minute') : t('minutes', { n: minutes });
}

// --- names of things ------------------------------------------------------------------------------

export function channelLabel(channel) { return has('channel.' + channel) ? t('channel.' + channel) : (channel || '—'); }
export function languageName(code) { return has('lang.' + code) ? t('lang.' + code) : String(code || '?').toUpperCase(); }
export function priorityLabel(label) { return t('priority.' + label); }

/** A field name the backend sends ("tracking_number") as the agent's words; unknown ones readable. */
export function keyLabel(key) {
  if (has('key.' + key)) return t('key.' + key);
  if (/_eur$/.test(key)) return keyLabel(key.slice(0, -4)) + ' (€)';
  const words = String(key).replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function orderStatus(status) {
  return has('order_status.' + status) ? t('order_status.' + status) : String(status).replace(/_/g, ' ');
}

export function capitalize(text) { return text ? text.charAt(0).toUpperCase() + text.slice(1) : text; }
