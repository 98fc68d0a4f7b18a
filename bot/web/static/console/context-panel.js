// The context panel: who the customer is, why the case came to a person, what the bot looked up,
// the conversation's details, what the model understood, earlier cases. Backend fields it doesn't
// know are still shown, with readable names.
import { $, append, el } from './dom.js';
import { channelLabel, dateOf, has, keyLabel, orderStatus, parseTime, plainDate, shortDateTime, t } from './i18n.js';

const SECRET_KEY = /token|secret|password/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

export function stars(n) {
  n = Math.max(0, Math.min(5, Math.round(Number(n) || 0)));
  return '★★★★★'.slice(0, n) + '☆☆☆☆☆'.slice(0, 5 - n);
}

function section(title, id) { return el('section.ctx-section', { id, 'aria-label': title }, el('h3', title)); }

function kvList(pairs) {
  const dl = el('dl.kv');
  for (const [label, value, key] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    dl.appendChild(el('dt', label));
    dl.appendChild(el('dd', value instanceof Node ? value : renderValue(value, key || label, 1)));
  }
  return dl.childNodes.length ? dl : null;
}

/** Any JSON value as inert DOM: objects as definition lists, arrays as lists, dates in the agent's
 *  words, booleans as yes/no, http(s) URLs as links. */
export function renderValue(value, key, depth = 0) {
  if (key && SECRET_KEY.test(String(key))) return el('span.muted', t('hidden_value'));
  if (value === undefined || value === null || value === '') return el('span.muted', '—');
  if (typeof value === 'boolean') {
    if (key === 'late' || key === 'is_late') return value ? el('span.val-late', t('late')) : el('span.val-false', t('on_time'));
    return el('span.val-' + value, value ? t('answer_yes') : t('answer_no'));
  }
  if (typeof value === 'number') return document.createTextNode(String(value));
  if (typeof value === 'string') {
    if (/^https?:\/\/[^\s]+$/i.test(value)) {
      return el('a', { href: value, target: '_blank', rel: 'noopener noreferrer' }, value.length > 48 ? value.slice(0, 45) + '…' : value);
    }
    if (ISO_DATE.test(value)) {
      if (value.length === 10) return el('span', { title: value }, plainDate(value));
      const date = parseTime(value);
      if (date) return el('span', { title: value }, shortDateTime(date));
    }
    if ((key === 'status' || key === 'state') && /^[a-z]+(_[a-z]+)*$/.test(value)) return document.createTextNode(orderStatus(value));
    return document.createTextNode(value);
  }
  if (depth > 5) return document.createTextNode(JSON.stringify(value));
  if (Array.isArray(value)) {
    if (!value.length) return el('span.muted', t('none'));
    const allPlain = value.every((v) => v === null || typeof v !== 'object');
    if (allPlain && value.length === 1) return renderValue(value[0], key, depth + 1);
    return el('ul.plain', value.map((v) => el('li', renderValue(v, key, depth + 1))));
  }
  const keys = Object.keys(value);
  if (!keys.length) return el('span.muted', '—');
  const dl = el('dl.kv');
  for (const k of keys) {
    dl.appendChild(el('dt', keyLabel(k)));
    dl.appendChild(el('dd', { dataset: { key: k } }, renderValue(value[k], k, depth + 1)));
  }
  return dl;
}

function incidentLine(incident) {
  if (!incident || typeof incident !== 'object') return String(incident);
  return [incident.id, incident.order_id ? t('incident_order', { id: incident.order_id }) : null, incident.summary].filter(Boolean).join(' · ');
}

function customerDetails(customer, c) {
  const handled = new Set(['name', 'tier', 'orders', 'incidents', 'open_incidents', 'orders_count']);
  const pairs = [[t('contact'), c.contact]];
  for (const k of ['email', 'phone', 'country', 'language', 'customer_since']) {
    handled.add(k);
    if (customer[k] !== undefined && customer[k] !== c.contact) pairs.push([keyLabel(k), customer[k], k]);
  }
  const orders = Array.isArray(customer.orders) ? customer.orders : null;
  pairs.push([keyLabel('orders_count'), customer.orders_count !== undefined ? customer.orders_count : (orders ? orders.length : undefined), 'orders_count']);
  const open = customer.open_incidents;
  if (Array.isArray(open)) {
    pairs.push([keyLabel('open_incidents'), open.length
      ? el('span', el('strong.late', String(open.length)), el('ul.plain', open.map((i) => el('li', incidentLine(i)))))
      : '0']);
  } else if (open !== undefined) {
    pairs.push([keyLabel('open_incidents'), open, 'open_incidents']);
  }
  for (const k of Object.keys(customer)) if (!handled.has(k)) pairs.push([keyLabel(k === 'id' ? 'customer_id' : k), customer[k], k]);
  const box = el('div', kvList(pairs));
  if (orders && orders.length) {
    box.appendChild(el('details.raw', el('summary', t('recent_orders', { count: orders.length })),
      el('ul.plain', orders.map((o) => {
        if (!o || typeof o !== 'object') return el('li', String(o));
        return el('li', ['#' + (o.id || '?'), o.placed_on ? plainDate(String(o.placed_on).slice(0, 10)) : null,
          o.status ? orderStatus(o.status) : null, o.total_eur !== undefined ? o.total_eur + ' €' : null].filter(Boolean).join(' · '));
      }))));
  }
  return box;
}

/** A fact the agent can put into the reply with one click (the tracking link, a return deadline). */
function insertable(text, label) {
  return el('button.btn.btn-quiet.insert-fact', { type: 'button', dataset: { insert: text }, title: label, 'aria-label': label }, '+');
}

function orderDetails(order) {
  const sub = el('div.ctx-sub', { dataset: { lookup: 'order', orderId: order.id } });
  const title = el('h4', t('order_title', { id: order.id !== undefined ? order.id : '?' }));
  if (order.late === true) title.appendChild(el('span.tag.angry.late-tag', { title: t('late_title') }, t('late')));
  sub.appendChild(title);
  const handled = new Set(['id', 'late', 'lines', 'return_eligibility']);
  const keys = ['status', 'carrier', 'tracking_number', 'tracking_url', 'estimated_delivery', 'eta', 'placed_on', 'shipped_on',
    'delivered_on', 'total_eur', 'payment', 'ship_to_country', 'shipping_address', 'verified'];
  const pairs = [];
  for (const k of keys) {
    handled.add(k);
    const value = order[k];
    if (value === undefined || value === null || value === '') continue;
    if (k === 'status') pairs.push([keyLabel('status'), orderStatus(String(value))]);
    else if ((k === 'estimated_delivery' || k === 'eta') && order.late === true) pairs.push([keyLabel(k), el('span.val-late', renderValue(value, k, 1), ' ' + t('late_suffix'))]);
    else if (k === 'tracking_url' && /^https?:\/\//i.test(String(value))) {
      pairs.push([keyLabel(k), el('span', renderValue(value, k, 1), ' ', insertable(String(value), t('insert_fact', { what: keyLabel(k) })))]);
    } else pairs.push([keyLabel(k), value, k]);
  }
  for (const k of Object.keys(order)) if (!handled.has(k)) pairs.push([keyLabel(k), order[k], k]);
  append(sub, kvList(pairs));
  if (Array.isArray(order.lines) && order.lines.length) {
    sub.appendChild(el('div.ctx-sub', el('h4', t('items')), el('ul.plain', order.lines.map((line) => {
      if (!line || typeof line !== 'object') return el('li', String(line));
      return el('li', [(line.qty ? line.qty + ' × ' : '') + (line.title || line.sku || ''),
        line.category ? '(' + line.category + ')' : null,
        line.price_eur !== undefined ? '· ' + line.price_eur + ' €' : null,
        line.final_sale ? '· ' + t('final_sale') : null].filter(Boolean).join(' '));
    }))));
  }
  if (Array.isArray(order.return_eligibility) && order.return_eligibility.length) {
    sub.appendChild(el('div.ctx-sub', { dataset: { lookup: 'return_eligibility' } }, el('h4', t('return_eligibility')),
      el('ul.plain', order.return_eligibility.map((line) => {
        if (!line || typeof line !== 'object') return el('li', String(line));
        const ok = line.returnable === true || line.eligible === true;
        const name = line.title || line.sku || t('item');
        const lastDay = line.last_day ? plainDate(String(line.last_day).slice(0, 10)) : '';
        const sentence = name + ': ' + (ok
          ? (lastDay ? t('can_return_until', { date: lastDay }) : t('can_return'))
          : t('cannot_return') + (line.reason ? ' (' + String(line.reason).replace(/_/g, ' ') + ')' : ''));
        return el('li', { className: ok ? 'val-true' : 'val-false' }, sentence,
          ok && lastDay ? [' ', insertable(sentence, t('insert_fact', { what: name }))] : null);
      }))));
  }
  return sub;
}

function statusName(status) { return t('status.' + status); }

/** An intent as the agent's words ("dónde está mi pedido"); FAQ keys by their topic. */
function intentLabel(intent) {
  const name = String(intent || '');
  if (has('intent.' + name)) return t('intent.' + name);
  if (has('answer.' + name)) return t('answer.' + name);
  return name.replace(/[_/]/g, ' ');
}

export function renderContext(c, reasonText) {
  const ctx = c.context && typeof c.context === 'object' ? c.context : {};
  const root = $('#context');
  root.dataset.caseId = c.id;
  const sections = [];

  const customer = ctx.customer && typeof ctx.customer === 'object' ? ctx.customer : null;
  const who = section(t('customer'), 'ctx-customer');
  const name = el('div.ctx-customer-name', el('span', c.customer_name || (customer && customer.name) || t('unknown_customer')));
  const tier = customer && customer.tier ? String(customer.tier).toLowerCase() : '';
  if (tier === 'vip') name.appendChild(el('span.vip-badge', { id: 'ctx-tier', dataset: { tier: 'vip' }, title: t('vip_title') }, 'VIP'));
  else if (tier && tier !== 'regular') name.appendChild(el('span.tier-badge', { id: 'ctx-tier', dataset: { tier } }, t('tier.' + tier)));
  who.appendChild(name);
  const verified = ctx.identity_verified === true;
  const flags = el('div.flags',
    el('span.flag.' + (verified ? 'ok' : 'no'), { id: 'ctx-identity', dataset: { verified: String(verified) } },
      verified ? t('identity_verified') : t('identity_not_verified')),
    ctx.anger ? el('span.flag.bad', { id: 'ctx-anger' }, t('upset')) : null);
  who.appendChild(el('div.ctx-sub', flags));
  append(who, customer ? customerDetails(customer, c) : kvList([[t('contact'), c.contact]]));
  if (!customer) who.appendChild(el('p.muted.small', t('no_profile')));
  sections.push(who);

  const why = section(t('why_escalated'), 'ctx-reason');
  why.appendChild(el('div', el('strong', reasonText(c))));
  if (c.summary) why.appendChild(el('div.muted.ctx-sub.summary-text', c.summary));
  const csat = c.csat !== undefined && c.csat !== null ? c.csat : ctx.csat;
  if (csat !== undefined && csat !== null) {
    why.appendChild(el('div.ctx-sub', { id: 'ctx-csat' }, t('rating') + ' ', el('span.csat', { 'aria-hidden': 'true' }, stars(csat)), ' ' + csat + '/5'));
  }
  sections.push(why);

  const lookups = ctx.lookups && typeof ctx.lookups === 'object' ? ctx.lookups : null;
  const looked = section(t('looked_up'), 'ctx-lookups');
  if (lookups && Object.keys(lookups).length) {
    for (const [k, value] of Object.entries(lookups)) {
      if (k === 'order' && value && typeof value === 'object' && !Array.isArray(value)) { looked.appendChild(orderDetails(value)); continue; }
      looked.appendChild(el('div.ctx-sub', { dataset: { lookup: k } }, el('h4', keyLabel(k)), renderValue(value, k, 1)));
    }
  } else {
    looked.appendChild(el('p.muted.small', t('nothing_looked_up')));
  }
  sections.push(looked);

  const slots = ctx.slots && typeof ctx.slots === 'object' ? ctx.slots : {};
  const first = ['order_id', 'contact', 'email', 'phone', 'customer_id', 'language'];
  const rank = (k) => (first.indexOf(k) < 0 ? 99 : first.indexOf(k));
  const slotKeys = Object.keys(slots).filter((k) => {
    const v = slots[k];
    return !(v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length));
  }).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const slotSection = section(t('conversation_details'), 'ctx-slots');
  if (slotKeys.length) {
    const plain = slotKeys.filter((k) => !slots[k] || typeof slots[k] !== 'object');
    const nested = slotKeys.filter((k) => slots[k] && typeof slots[k] === 'object');
    append(slotSection, kvList(plain.map((k) => [keyLabel(k), k === 'language' ? t('lang.' + slots[k]) : slots[k], k])));
    if (nested.length) {
      const more = el('details.raw', el('summary', t('more', { names: nested.map(keyLabel).join(', ') })));
      append(more, kvList(nested.map((k) => [keyLabel(k), renderValue(slots[k], k, 1)])));
      slotSection.appendChild(more);
    }
  } else {
    slotSection.appendChild(el('p.muted.small', t('none_sentence')));
  }
  sections.push(slotSection);

  const intents = Array.isArray(ctx.intents) ? ctx.intents : [];
  if (intents.length) {
    const intentSection = section(t('intents'), 'ctx-intents');
    const table = el('table.intents');
    for (const entry of intents.map((e) => e || {})) {
      const confidence = typeof entry.confidence === 'number' ? entry.confidence : null;
      table.appendChild(el('tr',
        el('td.text', entry.text || ''),
        el('td', el('strong', { title: entry.intent || '' }, intentLabel(entry.intent))),
        el('td.conf' + (confidence !== null && confidence < 0.5 ? '.conf-low' : ''), confidence === null ? '' : Math.round(confidence * 100) + '%')));
    }
    intentSection.appendChild(table);
    sections.push(intentSection);
  }

  const entities = Array.isArray(ctx.entities) ? ctx.entities : [];
  if (entities.length) {
    const entitySection = section(t('entities'), 'ctx-entities');
    entitySection.appendChild(el('ul.plain', entities.map((entity) => {
      if (!entity || typeof entity !== 'object') return el('li', String(entity));
      const label = entity.entity || entity.name || 'entity';
      const value = entity.value !== undefined ? entity.value : '';
      return el('li', el('span.muted', keyLabel(label) + ': '), SECRET_KEY.test(label) ? t('hidden_value') : String(value));
    })));
    sections.push(entitySection);
  }

  const linked = Array.isArray(c.linked_cases) ? c.linked_cases : [];
  if (linked.length) {
    const linkedSection = section(t('linked_cases'), 'ctx-linked');
    linkedSection.appendChild(el('ul.plain', linked.map((other) => el('li',
      el('a', { href: '#case-' + other.id, dataset: { openCase: other.id } }, t('case_number', { id: other.id })),
      ' · ' + channelLabel(other.channel) + ' · ' + statusName(other.status)))));
    sections.push(linkedSection);
  }

  const earlier = Array.isArray(ctx.earlier_cases) ? ctx.earlier_cases : [];
  const earlierSection = section(t('earlier_cases'), 'ctx-earlier');
  if (earlier.length) {
    earlierSection.appendChild(el('ul.plain', earlier.map((old) => {
      if (!old || typeof old !== 'object') return el('li', String(old));
      const when = parseTime(old.created_at);
      return el('li', [old.id !== undefined ? '#' + old.id : null, when ? dateOf(when) : null,
        old.reason ? t('reason.' + old.reason) : null, old.status ? statusName(old.status) : null].filter(Boolean).join(' · '));
    })));
  } else {
    earlierSection.appendChild(el('p.muted.small', t('none_sentence')));
  }
  sections.push(earlierSection);

  root.replaceChildren(...sections);
}
