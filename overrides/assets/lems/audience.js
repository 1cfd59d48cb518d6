/* Audience toggle: "Which best describes you?"
 *
 * The head script (partials/lems/audience-head.html) has already chosen the version before the
 * first paint and recorded why on <html>: data-audience, and data-audience-source = default
 * (no choice yet), stored (a saved choice), link (?audience= in the URL) or anchor (the URL's
 * #section is in the other version). This file wires up the controls; it is loaded with `defer`,
 * so it runs once the whole page is parsed, before DOMContentLoaded.
 *
 * Values from the address (the #fragment, ?audience=) and from storage are data: each is only
 * ever compared with the configured audiences and looked up as an own property, so a fragment
 * such as #__proto__ or #constructor finds nothing. The storage key and the query parameter
 * come from the config JSON (#lems-audience-config), as the head script reads them.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var config = JSON.parse(document.getElementById("lems-audience-config").textContent);
  var STORAGE_KEY = config.storageKey;
  var QUERY_PARAMETER = config.queryParameter;
  var announcer = document.getElementById("lems-announcer");
  var saved = document.getElementById("lems-chooser-saved");

  function own(object, key) {
    return object !== null && typeof object === "object" && Object.prototype.hasOwnProperty.call(object, key);
  }

  function isAudience(value) {
    return typeof value === "string" && config.audiences.indexOf(value) >= 0;
  }

  /* "For healthcare professionals" -> "for healthcare professionals", from extra.audiences. */
  function versionName(audience) {
    var label = own(config.labels, audience) ? String(config.labels[audience]) : audience;
    return label.charAt(0).toLowerCase() + label.slice(1);
  }

  function store(audience) {
    try {
      window.localStorage.setItem(STORAGE_KEY, audience);
    } catch (error) {
      /* Storage blocked: the choice still holds for this page. */
    }
  }

  function announce(message) {
    if (!announcer) return;
    announcer.textContent = "";
    /* A fresh text node after a tick, so screen readers notice the change. */
    window.setTimeout(function () { announcer.textContent = message; }, 50);
  }

  function syncInputs() {
    var current = root.getAttribute("data-audience");
    document.querySelectorAll("input[data-lems-audience-input]").forEach(function (input) {
      input.checked = input.value === current;
    });
  }

  function show(audience, source) {
    if (!isAudience(audience)) return;
    root.setAttribute("data-audience", audience);
    root.setAttribute("data-audience-source", source);
    syncInputs();
    updateUrl(audience);
  }

  /* Keep an ?audience= already in the address in step, so a copied address shows what the reader sees. */
  function updateUrl(audience) {
    try {
      var url = new URL(window.location.href);
      if (url.searchParams.has(QUERY_PARAMETER)) {
        url.searchParams.set(QUERY_PARAMETER, audience);
        window.history.replaceState(window.history.state, "", url.toString());
      }
    } catch (error) { /* very old browsers: the address simply stays as it was */ }
  }

  /* Every choice is answered, the one already selected too (a click on a checked radio button
     fires no change event): it is stored, which ends the first-visit prompts here and on every
     later page, and said on screen and to screen readers. From the notice at the bottom of the
     window (`inPlace`) the chooser bar is out of sight and its message would only push the
     page down: the notice closing is the visible answer there. */
  function choose(audience, inPlace) {
    if (!isAudience(audience)) return;
    var changed = audience !== root.getAttribute("data-audience");
    show(audience, "stored");
    store(audience);
    var message = changed
      ? "Now showing the version " + versionName(audience) + "."
      : "Saved: you are reading the version " + versionName(audience) + ".";
    if (saved && !inPlace) {
      saved.textContent = "\u2713 " + message + " You can switch at any time.";
      saved.hidden = false;
    }
    announce(message);
  }

  /* After a notice or a prompt closes, focus goes where the reader is, never to the top: the
     first heading in view of the version shown (or the one whose section is in view), else
     the chooser's selected option; preventScroll keeps the page where it is. */
  function focusWhereTheReaderIs() {
    var header = document.querySelector(".md-header");
    var top = header ? header.getBoundingClientRect().bottom : 0;
    var visible = function (element) { return element.getClientRects().length > 0; };
    var headings = Array.prototype.filter.call(
      document.querySelectorAll(".md-content h1, .md-content h2[id], .md-content h3[id], .md-content h4[id]"),
      visible
    );
    var inView = null;
    var above = null;
    headings.forEach(function (heading) {
      var y = heading.getBoundingClientRect().top;
      if (y < top) above = heading;
      else if (y < window.innerHeight && !inView) inView = heading;
    });
    var target = inView || above || document.querySelector(".lems-chooser input[data-lems-audience-input]:checked");
    if (!target) return;
    if (!target.matches("input") && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  }

  /* The home page's welcome closes once answered: focus moves to the same answer in the
     chooser, not lost to the top of the document. */
  function keepFocus(input) {
    if (input.getClientRects().length) return;
    var chooser = document.querySelector(".lems-chooser input[data-lems-audience-input]:checked");
    if (chooser) chooser.focus({ preventScroll: true });
  }

  /* The fragment names a section of the version the reader has just left: without it, a reload
     keeps the version they chose. */
  function dropFragment() {
    try {
      var url = new URL(window.location.href);
      url.hash = "";
      window.history.replaceState(window.history.state, "", url.toString());
    } catch (error) { /* the address keeps its fragment; the choice is stored all the same */ }
  }

  function audienceOfAnchor(id) {
    var audience = own(config.anchors, id) ? config.anchors[id] : null;
    return isAudience(audience) ? audience : null;
  }

  function followAnchor() {
    var id = "";
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (error) { return; }
    var target = audienceOfAnchor(id);
    var current = root.getAttribute("data-audience");
    if (target && target !== current) {
      root.setAttribute("data-audience-previous", current);
      show(target, "anchor");
      announceSwitch(target);
      var element = document.getElementById(id);
      if (element) element.scrollIntoView();
    }
  }

  function announceSwitch(audience) {
    if (!isAudience(audience)) return;
    var notices = document.querySelectorAll(".lems-chooser__switched[data-lems-when-audience]");
    var notice = null;
    notices.forEach(function (candidate) {
      if (candidate.getAttribute("data-lems-when-audience") === audience) notice = candidate.querySelector("p");
    });
    if (notice) announce(notice.textContent.trim());
  }

  /* ---- controls ---------------------------------------------------------------------------- */

  document.querySelectorAll("input[data-lems-audience-input]").forEach(function (input) {
    input.addEventListener("change", function () {
      if (!input.checked) return;
      choose(input.value);
      keepFocus(input);
    });
    /* A click or Space on the option already selected: no change event follows, so these
       answer (Chromium fires no click for Space on a checked radio button; others may, hence
       one answer per gesture). A new choice is still the change event's: the version is not
       yet shown when its click arrives. */
    var confirmed = 0;
    var confirm = function () {
      if (!input.checked || input.value !== root.getAttribute("data-audience")) return;
      if (Date.now() - confirmed < 500) return;
      confirmed = Date.now();
      choose(input.value);
      keepFocus(input);
    };
    input.addEventListener("click", confirm);
    input.addEventListener("keyup", function (event) {
      if (event.key === " ") confirm();
    });
  });

  /* "Back to the version for ...": that version becomes the reader's choice, at the same
     place on the page. */
  document.querySelectorAll("[data-lems-switch-to]").forEach(function (button) {
    button.addEventListener("click", function () {
      var y = window.scrollY;
      root.removeAttribute("data-audience-previous");
      choose(button.getAttribute("data-lems-switch-to"), true);
      dropFragment();
      window.scrollTo(window.scrollX, y);
      focusWhereTheReaderIs();
    });
  });

  /* "Keep this version": stored, so the next page opens in it too. */
  document.querySelectorAll("[data-lems-dismiss]").forEach(function (button) {
    button.addEventListener("click", function () {
      root.removeAttribute("data-audience-previous");
      choose(root.getAttribute("data-audience"), true);
      focusWhereTheReaderIs();
    });
  });

  window.addEventListener("hashchange", followAnchor);

  /* "Copy link to this section": the link carries the version, so the person who opens it
     reads the same words. */
  document.querySelectorAll(".md-typeset a.headerlink").forEach(function (permalink) {
    var heading = permalink.parentNode;
    /* The page title links to the page itself: no section to copy. */
    if (!heading || !heading.id || heading.tagName === "H1") return;
    var block = heading.closest("[data-audience].lems-audience");
    var title = heading.textContent.replace(permalink.textContent, "").trim();
    var button = document.createElement("button");
    button.type = "button";
    button.className = "lems-copylink";
    button.textContent = "Copy link";
    button.setAttribute("aria-label", "Copy link to section: " + title);
    button.addEventListener("click", function () {
      var audience = block ? block.getAttribute("data-audience") : root.getAttribute("data-audience");
      var url = new URL(window.location.href);
      url.searchParams.set(QUERY_PARAMETER, audience);
      url.hash = heading.id;
      var text = url.toString();
      var done = function () { announce("Link to “" + title + "” copied."); button.textContent = "Copied"; window.setTimeout(function () { button.textContent = "Copy link"; }, 2000); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { window.prompt("Copy this link:", text); });
      } else {
        window.prompt("Copy this link:", text);
      }
    });
    heading.appendChild(button);
  });

  syncInputs();
  if (root.getAttribute("data-audience-source") === "anchor") {
    announceSwitch(root.getAttribute("data-audience"));
  }
})();
