// The admin's branding preview follows the form as the admin types: name,
// colour, headline (its first sentence plain, the rest in the brand's
// colours, as the landing page draws it), text and a newly chosen logo.
// Nothing is sent: the page is saved only with the form's button. The CSP
// allows no inline styles, so colours are set through the CSSOM.
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  // WCAG relative luminance of "#rrggbb".
  function luminance(hex) {
    var v = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }

  // Black or white text, whichever reads better on the colour, as the
  // server's palette chooses (core.PaletteOf).
  function onColor(hex) {
    var l = luminance(hex), dark = luminance("#111827");
    return 1.05 / (l + 0.05) >= (l + 0.05) / (dark + 0.05) ? "#ffffff" : "#111827";
  }

  function setColor(frame, hex) {
    if (!/^#[0-9a-fA-F]{6}$/.test(hex)) { return; }
    frame.style.setProperty("--brand", hex);
    frame.style.setProperty("--on-brand", onColor(hex));
  }

  // The headline split as landingOf splits it: after the first sentence.
  function setHeadline(el, text) {
    var m = /^(.*?[.!?]) (.+)$/.exec(text);
    el.textContent = m ? m[1] + " " : text;
    if (m && m[2].trim()) {
      var accent = document.createElement("span");
      accent.className = "accent";
      accent.textContent = m[2].trim();
      el.appendChild(accent);
    }
  }

  function start() {
    var form = document.querySelector("form.branding-form"), frame = byId("preview-frame");
    if (!form || !frame) { return; }
    var name = byId("product_name"), color = byId("color"), headline = byId("headline"), text = byId("landing_text");
    var logo = byId("logo"), remove = byId("remove_logo"), img = byId("preview-logo"), mark = byId("preview-mark");
    var served = img.getAttribute("src");
    function update() {
      byId("preview-name").textContent = name.value;
      mark.textContent = (name.value.trim()[0] || "").toUpperCase();
      setColor(frame, color.value);
      setHeadline(byId("preview-headline"), headline.value);
      byId("preview-text").textContent = text.value;
      var file = logo.files && logo.files[0];
      var src = file ? URL.createObjectURL(file) : (remove && remove.checked ? null : served);
      img.hidden = !src;
      mark.hidden = !!src;
      if (src) { img.src = src; } else { img.removeAttribute("src"); }
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
    frame.setAttribute("data-live", "true");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
