// ReferralHub's embed script for host pages, served at /embed.js.
//
//   <div id="referrals"></div>
//   <script src="https://referrals.example.com/embed.js"></script>
//   ReferralHub.mountReferrals(document.getElementById("referrals"), {
//     token: tokenFromYourBackend,          // POST /api/v1/embed-tokens
//     theme: "system",                      // "light", "dark" or "system"
//     onEvent: function (e) { ... },        // {type: "referralhub:ready"}, ...
//   });
//
// It puts the participant's embedded referral page in a frame, sizes the
// frame to the page (which reports its height), and hands the page's
// events to onEvent: referralhub:ready, referralhub:copy and
// referralhub:share (with the channel). Messages are taken only from that
// frame and ReferralHub's origin, and sent only to it. It returns
// {frame, setTheme(theme), unmount()}.
//
// Plain ES5 without dependencies, no inline code, styles set through the
// DOM only: it runs under a strict Content-Security-Policy that allows
// ReferralHub's origin in script-src and frame-src.
(function () {
  "use strict";

  // ReferralHub's origin: the server writes it in when it serves the file.
  var ORIGIN = "/*origin*/";
  var PAGE = "/embed/referrals";
  var THEMES = { light: true, dark: true, system: true };
  var EVENTS = { "referralhub:ready": true, "referralhub:copy": true, "referralhub:share": true };

  // event copies the fields a page event may carry, nothing else.
  function event(data) {
    var e = { type: data.type };
    if (data.type === "referralhub:share" && typeof data.channel === "string") e.channel = data.channel;
    if (data.type === "referralhub:copy" && typeof data.what === "string") e.what = data.what;
    return e;
  }

  function mountReferrals(element, options) {
    options = options || {};
    if (!element || typeof element.appendChild !== "function") {
      throw new TypeError("ReferralHub.mountReferrals: the first argument must be an element");
    }
    if (typeof options.token !== "string" || options.token === "") {
      throw new TypeError("ReferralHub.mountReferrals: options.token is required");
    }
    var theme = THEMES.hasOwnProperty(options.theme) ? options.theme : "system";
    var url = new URL(PAGE, ORIGIN);
    url.searchParams.set("token", options.token);
    url.searchParams.set("theme", theme);
    url.searchParams.set("origin", window.location.origin);

    var frame = document.createElement("iframe");
    frame.src = url.href;
    frame.title = options.title || "Refer a friend";
    frame.setAttribute("allow", "clipboard-write");
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.style.display = "block";
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.height = "480px"; // until the page reports its own

    function onMessage(e) {
      if (e.origin !== ORIGIN || e.source !== frame.contentWindow) return;
      var data = e.data;
      if (!data || typeof data.type !== "string") return;
      if (data.type === "referralhub:resize") {
        var h = Number(data.height);
        if (h > 0 && h < 100000) frame.style.height = Math.ceil(h) + "px";
        return;
      }
      if (EVENTS[data.type] && typeof options.onEvent === "function") options.onEvent(event(data));
    }
    window.addEventListener("message", onMessage);
    element.appendChild(frame);

    return {
      frame: frame,
      setTheme: function (t) {
        if (THEMES.hasOwnProperty(t) && frame.contentWindow) {
          frame.contentWindow.postMessage({ type: "referralhub:theme", theme: t }, ORIGIN);
        }
      },
      unmount: function () {
        window.removeEventListener("message", onMessage);
        if (frame.parentNode) frame.parentNode.removeChild(frame);
      }
    };
  }

  var api = window.ReferralHub || {};
  api.mountReferrals = mountReferrals;
  window.ReferralHub = api;
})();
