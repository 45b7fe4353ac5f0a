// ReferralHub snippet for host pages, served at /snippet.js.
//
// Include it on the pages a referral link can land on:
//
//   <script src="https://referrals.example.com/snippet.js" async></script>
//
// When the page's address carries a referral code (?ref=CODE, or the
// parameter named by the tag's data-param attribute), the snippet keeps the
// code, and the click id ReferralHub adds to ?to= links (rh_click), in a
// first-party cookie on this site for the program's attribution window.
// ReferralHub.attribution() returns what it kept, for the signup form to
// pass on to the host's backend; ReferralHub.forget() drops it once a
// signup has used it. Values that do not look like a code or a
// click id are ignored. Optional attributes: data-param (default "ref") and
// data-cookie-domain (e.g. "example.com", to share the cookie between
// www.example.com and app.example.com).
//
// Plain ES2017 without dependencies, no inline code and no network calls,
// so it runs under a strict Content-Security-Policy.
(function () {
  "use strict";

  // The program's attribution window in seconds: the server writes the
  // current value in when it serves this file, so the cookie lasts exactly
  // as long as a click counts. 0 keeps nothing.
  const WINDOW_SECONDS = /*window*/0;

  const COOKIE = "rh_attr";
  // A referral code: 8 of a-z0-9 (core.NormalizeCode).
  const CODE = /^[a-z0-9]{8}$/;
  // A click id: 26 characters of lower-case base32 without i, l, o and u,
  // the last one carrying the final 3 bits of 128 (core.NewClickID).
  const CLICK_ID = /^[0-9a-hjkmnp-tv-z]{25}[048cgmrw]$/;

  // The script tag that loaded us, for its data-* settings.
  const tag = document.currentScript ||
    document.querySelector('script[src*="/snippet.js"]');
  const setting = (name, fallback) =>
    (tag && tag.getAttribute("data-" + name)) || fallback;

  // parse checks a stored or received triple; null when anything is off.
  function parse(code, clickId, at) {
    code = String(code || "").toLowerCase();
    clickId = clickId || "";
    if (!CODE.test(code) || (clickId && !CLICK_ID.test(clickId))) return null;
    if (!(at > 0)) return null;
    return { code: code, clickId: clickId || null, at: at };
  }

  // fromAddress reads the attribution a referral link put in this page's
  // address. A ?to= link always names the code "ref", beside rh_click.
  function fromAddress() {
    const q = new URLSearchParams(window.location.search);
    const clickId = q.get("rh_click");
    const code = q.get(setting("param", "ref")) || (clickId && q.get("ref"));
    if (!code) return null;
    const a = parse(code, clickId, Math.floor(Date.now() / 1000));
    // A code with a mangled click id still counts, without the click.
    return a || parse(code, "", Math.floor(Date.now() / 1000));
  }

  // write sets the cookie to value for maxAge seconds (0 deletes it), with
  // the tag's domain.
  function write(value, maxAge) {
    let cookie = COOKIE + "=" + value + "; Max-Age=" + maxAge + "; Path=/; SameSite=Lax";
    const domain = setting("cookie-domain", "");
    if (/^[a-z0-9.-]+$/i.test(domain)) cookie += "; Domain=" + domain;
    if (window.location.protocol === "https:") cookie += "; Secure";
    document.cookie = cookie;
  }

  // store keeps a as "code.clickid.unixseconds" for the window.
  function store(a) {
    write([a.code, a.clickId || "", a.at].join("."), WINDOW_SECONDS);
  }

  // forget drops what was kept: call it once a signup has used it, so a
  // second account made in the same browser is not credited to the same
  // referrer.
  function forget() {
    try {
      write("", 0);
    } catch (e) {
      // cookies blocked: there is nothing to drop
    }
  }

  // stored reads the cookie back, checking it again: it may have been
  // edited, or outlived the window on a clock that moved.
  function stored() {
    const pair = document.cookie.split("; ")
      .find((c) => c.startsWith(COOKIE + "="));
    if (!pair) return null;
    const parts = pair.slice(COOKIE.length + 1).split(".");
    if (parts.length !== 3 || !/^\d{1,12}$/.test(parts[2])) return null;
    const a = parse(parts[0], parts[1], Number(parts[2]));
    const age = Date.now() / 1000 - (a ? a.at : 0);
    return a && age > -60 && age <= WINDOW_SECONDS ? a : null;
  }

  // attribution returns {code, clickId, at} (clickId null when the link
  // had none, at an ISO 8601 time) or null when this visitor has none.
  function attribution() {
    let a = null;
    try {
      a = stored();
    } catch (e) {
      return null; // cookies blocked, e.g. in a sandboxed frame
    }
    return a && { code: a.code, clickId: a.clickId, at: new Date(a.at * 1000).toISOString() };
  }

  try {
    const a = fromAddress();
    if (a && WINDOW_SECONDS > 0) store(a); // the last link followed wins
  } catch (e) {
    // cookies blocked or an odd address: there is nothing to keep
  }

  const api = window.ReferralHub || {};
  api.attribution = attribution;
  api.forget = forget;
  window.ReferralHub = api;
})();
