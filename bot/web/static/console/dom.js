// DOM helpers that only ever make text: whatever the API sends (customer text above all) reaches
// the page through textContent, createElement and setAttribute, never innerHTML.

export function $(selector) { return document.querySelector(selector); }

/** el('span.tag.prio-high', {title: 'x', dataset: {a: 'b'}}, 'text', child, ...) */
export function el(spec, attrs, ...children) {
  const parts = spec.split('.');
  const node = document.createElement(parts[0] || 'div');
  for (const cls of parts.slice(1)) if (cls) node.classList.add(cls);
  if (attrs !== undefined && attrs !== null && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) node.dataset[k] = String(v);
    } else if (key === 'className') value.split(/\s+/).filter(Boolean).forEach((c) => node.classList.add(c));
    else if (key === 'text') node.textContent = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, child) {
  if (child === undefined || child === null || child === false) return;
  if (Array.isArray(child)) { child.forEach((c) => append(node, c)); return; }
  node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
}

export function setChildren(node, children) {
  node.replaceChildren();
  append(node, children);
}

export function oneOf(value, allowed, fallback) { return allowed.includes(value) ? value : fallback; }
