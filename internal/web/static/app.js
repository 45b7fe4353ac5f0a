// ReferralHub's only hand-written script: the Copy button. It is loaded
// from this origin (the CSP forbids inline scripts).
(function () {
  "use strict";

  function copyText(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    // Fallback for plain-http hosts where the async clipboard is missing.
    input.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy failed"));
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
    copyText(input).then(
      function () { flash(button, "Copied!"); },
      function () { input.select(); flash(button, "Press Ctrl+C"); }
    );
  });
})();
