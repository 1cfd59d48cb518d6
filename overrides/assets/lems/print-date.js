/* The date a page is printed, in its "where this came from" box (partials/lems/print-source.html).
   A file of its own, not an inline script: the Content-Security-Policy allows only the inline
   scripts the site hashes. Filled in at once (page.pdf() and some browsers fire no beforeprint)
   and again before printing, for a page left open overnight. */
(function () {
  "use strict";
  var place = document.querySelector("[data-lems-printed]");
  if (!place) return;
  var date = place.querySelector("[data-lems-printed-date]");
  function fill() {
    date.textContent = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
    place.hidden = false;
  }
  fill();
  window.addEventListener("beforeprint", fill);
})();
