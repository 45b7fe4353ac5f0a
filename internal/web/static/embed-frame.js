// The embedded referral page's side of its frame; /embed.js is the host
// page's side. It reports the page's height (on every change, through a
// ResizeObserver), that it is ready, and copies and shares to the host
// page, and takes theme changes from it: only to and from the host origin
// the server vouched for (the body's data-parent-origin, one of the
// program's embed origins), and only from the parent window.
(function () {
  "use strict";

  var parentOrigin = document.body.getAttribute("data-parent-origin");
  var framed = window.parent !== window;

  function post(message) {
    if (framed && parentOrigin) window.parent.postMessage(message, parentOrigin);
  }

  var lastHeight = -1;
  function reportHeight() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      post({ type: "referralhub:resize", height: height });
    }
  }
  if (window.ResizeObserver) {
    new ResizeObserver(reportHeight).observe(document.documentElement);
  } else {
    window.addEventListener("resize", reportHeight);
  }
  reportHeight();
  post({ type: "referralhub:ready" });

  // app.js tells of each successful copy.
  document.addEventListener("referralhub:copied", function (event) {
    var id = event.detail && event.detail.id;
    post({ type: "referralhub:copy", what: id === "referral-link" ? "link" : id && id.indexOf("promo-") === 0 ? "promo_code" : "other" });
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-share]");
    if (link) post({ type: "referralhub:share", channel: link.getAttribute("data-share") });
  });

  window.addEventListener("message", function (event) {
    if (!parentOrigin || event.origin !== parentOrigin || event.source !== window.parent) return;
    var data = event.data;
    if (!data || data.type !== "referralhub:theme") return;
    var root = document.documentElement;
    if (data.theme === "light" || data.theme === "dark") {
      root.setAttribute("data-theme", data.theme);
    } else if (data.theme === "system") {
      root.removeAttribute("data-theme");
    }
  });
})();
