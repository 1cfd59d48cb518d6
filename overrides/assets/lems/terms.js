/* Abbreviations that explain themselves on a tap and on keyboard focus.
 *
 * The abbreviations are <abbr title> (pymdownx abbr, docs/includes/abbreviations.md) and
 * Material's `content.tooltips` (mkdocs.yml) shows a title as a tooltip on hover, on a tap
 * (the browser's mouse events after a touch) and on focus, announced through
 * aria-describedby. An <abbr> cannot take focus by itself: here the first use of each term
 * in each section becomes focusable and is marked .lems-abbr, the only abbreviations site.css
 * styles as something to act on. Later uses stay plain text (39 underlined "LEMS" on one page,
 * and as many tab stops, would be clutter); so do those in headings (in the page and, as plain
 * text, in the table of contents) and in links and buttons, which have an action of their own.
 * Without JavaScript no abbreviation is styled, and a mouse still shows the browser's title.
 */
(function () {
  "use strict";

  var content = document.querySelector(".md-content .md-typeset");
  if (!content) return;

  var SECTION = /^(H1|H2)$/;
  var SKIP = "h1, h2, h3, h4, h5, h6, a, button, summary, .lems-preview";
  var seen = {};
  var walker = document.createTreeWalker(content, NodeFilter.SHOW_ELEMENT);
  for (var node = walker.currentNode; node; node = walker.nextNode()) {
    /* Each version of a page, and each of its sections, starts afresh. */
    if (SECTION.test(node.tagName) || node.classList.contains("lems-audience")) {
      seen = {};
      continue;
    }
    if (node.tagName !== "ABBR" || !node.title || node.closest(SKIP)) continue;
    var term = node.textContent.trim();
    if (Object.prototype.hasOwnProperty.call(seen, term)) continue;
    seen[term] = true;
    node.classList.add("lems-abbr");
    node.setAttribute("tabindex", "0");
  }
})();
