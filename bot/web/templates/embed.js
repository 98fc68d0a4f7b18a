/* Aurora chat widget: the script a shop pastes into its pages (see the README).
 *
 *   <script src="https://BOT-WEB-HOST/embed.js" async
 *           data-customer-token="(a logged-in customer's signed token; leave out otherwise)"></script>
 *
 * Optional attributes: data-language ("es", "en", "pt"; otherwise ?lang=, the page's <html lang>,
 * then the browser's language) and data-socket-url (the bot's public URL). It loads the widget
 * (rasa-webchat, served by the bot's web app, no CDN) and connects it to the bot over socket.io.
 * The conversation is kept in localStorage, so a reload or a second tab continues it; a
 * different (or no longer) logged-in customer starts a new one.
 */
(function () {
  "use strict";
  var CONFIG = __CONFIG__;
  if (window.__auroraChatStarted) return;
  window.__auroraChatStarted = true;

  var script = document.currentScript || document.querySelector('script[src*="embed.js"]');
  var data = (script && script.dataset) || {};
  var base = new URL(script ? script.src : CONFIG.webUrl, window.location.href);

  function pageLanguage() {
    var query = new URLSearchParams(window.location.search).get("lang");
    var candidates = [data.language, query, document.documentElement.lang, navigator.language];
    for (var i = 0; i < candidates.length; i++) {
      var code = String(candidates[i] || "").slice(0, 2).toLowerCase();
      if (/^[a-z]{2}$/.test(code)) return code;
    }
    return CONFIG.defaultLanguage;
  }

  function customerOf(token) {
    // Only to notice that another customer logged in; the bot verifies the signature itself.
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return String(JSON.parse(atob(part)).sub || "");
    } catch (e) {
      return "";
    }
  }

  var language = pageLanguage();
  var text = CONFIG.texts[language] || CONFIG.texts[CONFIG.defaultLanguage];
  var token = data.customerToken || "";
  var customData = { language: language };
  if (token) customData.customer_token = token;

  // The bot reads the customer's identity when a conversation starts: a different customer (or
  // a log-out) on this browser starts a new conversation instead of continuing someone else's.
  try {
    var customer = token ? customerOf(token) : "";
    if ((window.localStorage.getItem(CONFIG.customerKey) || "") !== customer) {
      window.localStorage.removeItem(CONFIG.sessionKey);
      window.localStorage.removeItem("aurora_chat_agent");
      window.localStorage.setItem(CONFIG.customerKey, customer);
    }
  } catch (e) { /* storage disabled: the widget keeps the conversation in memory */ }

  var socketUrl = data.socketUrl || CONFIG.socketUrl || (base.protocol + "//" + base.hostname + ":" + CONFIG.rasaPort);

  // Who is talking: an agent's message comes tagged with their name (connectors/socketio.py puts it
  // in the message's customCss); the header shows the agent while they are in the conversation.
  var AGENT_KEY = "aurora_chat_agent";
  var clock = new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit" });

  function agentOf(message) {
    var css = message && message.get ? message.get("customCss") : null;
    return css && css.get ? css.get("agent") : null;
  }

  function messageTime(timestamp, message) {
    var agent = agentOf(message);
    return (agent ? agent + " · " : "") + clock.format(new Date(timestamp));
  }

  function showAgent(name) {
    try {
      if (name) window.localStorage.setItem(AGENT_KEY, name); else window.localStorage.removeItem(AGENT_KEY);
    } catch (e) { /* storage disabled: the header still changes */ }
    var title = document.querySelector(".rw-header .rw-title");
    var subtitle = document.querySelector(".rw-header .rw-title + span");  // rasa-webchat gives it no class
    if (title) title.textContent = name || text.title;
    if (subtitle) subtitle.textContent = name ? text.agent_subtitle : text.subtitle;
  }

  function onBotMessage(data) {
    var css = data && data.metadata && data.metadata.customCss;
    showAgent(css && css.agent ? String(css.agent) : null);
  }

  function storedAgent() {
    try { return window.localStorage.getItem(AGENT_KEY); } catch (e) { return null; }
  }

  // rasa-webchat's controls have no names for screen readers: give them names in the page's language.
  function nameControls() {
    var names = [[".rw-launcher", text.open_label], [".rw-close-button", text.close_label], [".rw-send", text.send_label],
      [".rw-new-message", text.message_label]];
    names.forEach(function (pair) {
      document.querySelectorAll(pair[0]).forEach(function (node) {
        if (node.getAttribute("aria-label") !== pair[1]) node.setAttribute("aria-label", pair[1]);
      });
    });
    var title = document.querySelector(".rw-header .rw-title");
    var agent = storedAgent();
    if (title && agent && title.textContent !== agent) showAgent(agent);
  }

  // rasa-webchat's light grey times and header subtitle are hard to read (WCAG contrast): darker here.
  function readableColours() {
    var style = document.createElement("style");
    style.textContent = ".rw-conversation-container span.rw-message-date{color:#5d6470 !important}" +
      ".rw-conversation-container .rw-header > span{color:#fff !important;opacity:1 !important}";
    (document.head || document.body).appendChild(style);
  }

  function start() {
    readableColours();
    window.WebChat.default({
      initPayload: "/greet",
      socketUrl: socketUrl,
      socketPath: "/socket.io/",
      customData: customData,
      title: text.title,
      subtitle: text.subtitle,
      inputTextFieldHint: text.hint,
      showMessageDate: messageTime,
      onSocketEvent: { bot_uttered: onBotMessage },
      params: { storage: "local" }
    }, null);
    nameControls();
    new MutationObserver(nameControls).observe(document.body, { childList: true, subtree: true });
  }

  if (window.WebChat && window.WebChat.default) return start();
  var widget = document.createElement("script");
  widget.src = new URL(CONFIG.widgetPath, base).href;
  widget.async = true;
  widget.onload = start;
  (document.head || document.body).appendChild(widget);
})();
