// The console's JSON API (bot/web/openapi.yml): same origin, "Authorization: Bearer <token>". The
// token lives in sessionStorage, so it ends with the tab.
import { capitalize, t } from './i18n.js';

const TOKEN_KEY = 'aurora_agent_token';
const session = { token: null, onExpired: () => {} };

export class ApiError extends Error {
  constructor(status, message, data) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.data = data;
  }
}

export function token() { return session.token; }

export function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
}

export function setToken(value) {
  session.token = value;
  try {
    if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) { /* storage disabled: the session lasts as long as the page */ }
}

/** Called once when the API answers 401 to the current token. */
export function onSessionExpired(callback) { session.onExpired = callback; }

function errorText(status, data, what) {
  const said = data && typeof data.error === 'string' && data.error.trim() ? data.error.trim() : '';
  if (status === 502) return t(what === 'message' ? 'error_unreachable_message' : 'error_unreachable_action');
  if (status === 0) return t('error_offline');
  if (status === 400) return t('error_400');
  if (status === 404) return t('error_404');
  if (status === 409) return t('error_409');
  if (status >= 500) return t('error_500', { status });
  return said ? capitalize(said) : t('error_other', { status });
}

/** Resolves to {status, data, headers}; rejects with ApiError. A 401 (except on login) ends the session. */
export async function api(method, path, body, options = {}) {
  const headers = { Accept: 'application/json' };
  if (session.token && !options.noAuth) headers.Authorization = 'Bearer ' + session.token;
  const init = { method, headers, cache: 'no-store', credentials: 'same-origin' };
  if (body !== undefined) { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const tokenUsed = session.token;
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, errorText(0, null, options.what), null);
  }
  const text = await response.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
  if (response.status === 401 && !options.noAuth) {
    if (tokenUsed && tokenUsed === session.token) session.onExpired();
    throw new ApiError(401, t('session_expired'), data);
  }
  if (!response.ok) {
    const error = new ApiError(response.status, errorText(response.status, data, options.what), data);
    error.retryAfter = response.headers.get('Retry-After');
    throw error;
  }
  return { status: response.status, data, headers: response.headers };
}
