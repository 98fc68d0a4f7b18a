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
      window.localStorage.setItem(CONFIG.customerKey, customer);
    }
  } catch (e) { /* storage disabled: the widget keeps the conversation in memory */ }

  var socketUrl = data.socketUrl || CONFIG.socketUrl || (base.protocol + "//" + base.hostname + ":" + CONFIG.rasaPort);

  function start() {
    window.WebChat.default({
      initPayload: "/greet",
      socketUrl: socketUrl,
      socketPath: "/socket.io/",
      customData: customData,
      title: text.title,
      subtitle: text.subtitle,
      inputTextFieldHint: text.hint,
      params: { storage: "local" }
    }, null);
  }

  if (window.WebChat && window.WebChat.default) return start();
  var widget = document.createElement("script");
  widget.src = new URL(CONFIG.widgetPath, base).href;
  widget.async = true;
  widget.onload = start;
  (document.head || document.body).appendChild(widget);
})();
