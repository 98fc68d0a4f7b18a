// A new case in the agent's queue: a desktop notification (once the agent allowed them) and a
// short sound, made here with Web Audio (no sound file to load).
import { $ } from './dom.js';
import { t } from './i18n.js';

let primed = false;  // the first listing after login is not news

export function resetNotifications() { primed = false; }

function chime() {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
    tone.onended = () => audio.close();
  } catch (e) { /* no sound on this device */ }
}

/** Compares the queue before and after a refresh; says so when a waiting case arrived. */
export function notifyNewCases(now, before) {
  const known = new Set(before.map((c) => c.id));
  const arrived = now.filter((c) => (c.status === 'pending' || c.status === 'ticket') && !known.has(c.id));
  const news = primed && arrived.length > 0;
  primed = true;
  if (!news) return;
  const first = arrived[0];
  const body = (first.customer_name || t('unknown_customer')) + ' · ' + (first.reason_label || '');
  document.body.dataset.lastNotified = String(first.id);
  chime();
  if ('Notification' in window && Notification.permission === 'granted') {
    const note = new Notification(t('notify_new_case'), { body, tag: 'case-' + first.id });
    note.onclick = () => { window.focus(); location.hash = '#case-' + first.id; };
  }
}

/** The topbar's bell: asks for permission once, with a click (browsers require one). */
export function setUpNotifyButton() {
  const button = $('#notify-toggle');
  if (!('Notification' in window)) { button.hidden = true; return; }
  const show = () => {
    button.hidden = Notification.permission !== 'default';
    button.textContent = t('notify_enable');
  };
  show();
  button.onclick = async () => { await Notification.requestPermission(); show(); };
}
