// Live updates: GET /api/events read with fetch() (EventSource can't send the Authorization
// header), the text/event-stream parsed here. A dropped stream reconnects with backoff (1 s
// doubling to 30 s); a stream silent for 45 s (the server sends a comment every 15 s) counts as dropped.
import { token } from './api.js';

const STREAM_SILENCE_MS = 45000;
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30000;

/** The text/event-stream format (WHATWG HTML, "server-sent events"): lines end with CRLF, LF or
 *  CR; a blank line dispatches; ":" starts a comment; fields event and data. */
export class EventStreamParser {
  constructor(onEvent) {
    this.buffer = '';
    this.eventName = '';
    this.data = [];
    this.onEvent = onEvent;
  }

  feed(text) {
    this.buffer += text;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // a CR at the very end may be the first half of CRLF: wait for the next chunk
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  }

  line(line) {
    if (line === '') {
      if (this.data.length) this.onEvent(this.eventName || 'message', this.data.join('\n'));
      this.eventName = '';
      this.data = [];
      return;
    }
    if (line.charAt(0) === ':') return; // keep-alive comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charAt(0) === ' ') value = value.slice(1);
    if (field === 'event') this.eventName = value;
    else if (field === 'data') this.data.push(value);
  }
}

/** One live stream at a time. `handlers`: onState('off'|'connecting'|'live'), onEvent(name, data),
 *  onReconnected() (refetch what changed meanwhile), onUnauthorized(). */
export class LiveStream {
  constructor(handlers) {
    this.handlers = handlers;
    this.gen = 0;
    this.controller = null;
    this.reconnectTimer = null;
    this.silenceTimer = null;
    this.backoffMs = BACKOFF_MIN_MS;
  }

  stop() {
    this.gen++;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.silenceTimer);
    if (this.controller) { try { this.controller.abort(); } catch (e) { /* already closed */ } }
    this.controller = null;
    this.handlers.onState('off');
  }

  start() {
    this.stop();
    this.backoffMs = BACKOFF_MIN_MS;
    this.connect(++this.gen, true);
  }

  async connect(gen, first) {
    if (gen !== this.gen || !token()) return;
    const controller = new AbortController();
    this.controller = controller;
    this.handlers.onState('connecting');
    const parser = new EventStreamParser((name, data) => this.handlers.onEvent(name, data));
    const tokenUsed = token();
    let outcome = 'failed';
    try {
      const response = await fetch('/api/events', {
        headers: { Authorization: 'Bearer ' + tokenUsed, Accept: 'text/event-stream' }, cache: 'no-store', signal: controller.signal,
      });
      if (gen !== this.gen) return;
      if (response.status === 401) { if (tokenUsed === token()) this.handlers.onUnauthorized(); return; }
      if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
      this.handlers.onState('live');
      this.backoffMs = BACKOFF_MIN_MS;
      if (!first) this.handlers.onReconnected();
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const watchdog = () => {
        clearTimeout(this.silenceTimer);
        this.silenceTimer = setTimeout(() => controller.abort(), STREAM_SILENCE_MS);
      };
      watchdog();
      for (;;) {
        const chunk = await reader.read();
        if (gen !== this.gen) return;
        if (chunk.done) { outcome = 'ended'; break; }
        watchdog();
        parser.feed(decoder.decode(chunk.value, { stream: true }));
      }
    } catch (e) {
      outcome = 'failed';
    }
    if (gen !== this.gen || !token()) return;
    clearTimeout(this.silenceTimer);
    this.handlers.onState('connecting');
    const delay = this.backoffMs + Math.floor(Math.random() * 300);
    this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
    this.reconnectTimer = setTimeout(() => this.connect(gen, false), delay);
    return outcome;
  }
}
