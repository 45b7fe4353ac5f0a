// ReferralHub's only hand-written script: the Copy button. It is loaded
// from this origin (the CSP forbids inline scripts). After a copy it sends
// a "referralhub:copied" event (detail.id: the input copied), which the
// embedded page passes on to its host page.
(function () {
  "use strict";

  // selectAndCopy is the old way, for plain-http hosts without the async
  // clipboard, and frames the host did not allow it to.
  function selectAndCopy(input) {
    input.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  // copyText copies text (what the button names: the link marked with
  // its channel), or the input as it shows when the clipboard refuses.
  function copyText(input, text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return selectAndCopy(input); });
    }
    return selectAndCopy(input);
  }

  function flash(button, text) {
    var original = button.dataset.label || button.textContent;
    button.dataset.label = original;
    button.textContent = text;
    clearTimeout(button._copyTimer);
    button._copyTimer = setTimeout(function () { button.textContent = original; }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.dataset.copy);
    if (!input) return;
    copyText(input, button.dataset.copyText || input.value).then(
      function () {
        flash(button, "Copied!");
        button.dispatchEvent(new CustomEvent("referralhub:copied", { bubbles: true, detail: { id: input.id } }));
      },
      function () { input.select(); flash(button, "Press Ctrl+C"); }
    );
  });

  // The "Share…" button opens the phone's share sheet (the Web Share API)
  // where the browser has one; elsewhere it stays hidden.
  var native = document.getElementById("share-native");
  if (native && navigator.share) {
    native.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: native.dataset.shareTitle, url: native.dataset.shareUrl }).then(function () {
        native.dispatchEvent(new CustomEvent("referralhub:shared", { bubbles: true, detail: { channel: "native" } }));
      }, function () { /* dismissed: nothing to do */ });
    });
  }
})();
