/* Citation previews. Each citation number is a link to its entry in the page's reference list
   and works as one without this script. With it, hovering, focusing or tapping a number shows
   the same entry in a small non-modal popup under (or over) the line, never over the line
   being read, and fixed in place so that no text moves.

   - Hover (mouse) or keyboard focus opens the preview; Escape closes it and keeps or returns
     focus on the number; moving the pointer or focus away closes it.
   - A click, tap or Enter on a number that is not pinned open pins it open instead of jumping;
     a second one follows the link to the list. The popup's own "Reference N" link does too.
   - Screen readers hear the entry as the number's description (aria-describedby names the list
     entries, which exist without this script) and its state from aria-expanded.
   - The content is cloned from the list entry in this page (DOM nodes, no HTML strings), so the
     Content-Security-Policy stays as strict as it is and no request leaves the site. */
(function () {
  "use strict";

  var links = document.querySelectorAll("a.lems-cite__link[data-lems-refs]");
  if (!links.length) return;

  var POPUP_ID = "lems-cite-preview";
  var GAP = 6; // px between the line and the popup
  var MARGIN = 8; // px kept free at the viewport's edges
  var popup = null;
  var owner = null;
  var pinned = false;
  var openTimer = 0;
  var closeTimer = 0;
  var escapedFrom = null; // a number closed with Escape stays closed until focus leaves it

  function entriesOf(link) {
    return link.getAttribute("data-lems-refs").split(" ").map(function (key) {
      return document.getElementById("ref-" + key);
    }).filter(Boolean);
  }

  /* Block elements become spans: the popup lives inside the paragraph it annotates. */
  function cloneInline(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return node.cloneNode(false);
    var block = /^(P|DIV|UL|OL|LI|BLOCKQUOTE)$/.test(node.tagName);
    var copy = block ? document.createElement("span") : node.cloneNode(false);
    if (block) {
      copy.className = (node.className ? node.className + " " : "") + "lems-preview__block";
    }
    copy.removeAttribute("id");
    for (var child = node.firstChild; child; child = child.nextSibling) copy.appendChild(cloneInline(child));
    return copy;
  }

  function build(link) {
    var box = document.createElement("span");
    box.id = POPUP_ID;
    box.className = "lems-preview";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Preview: " + (link.getAttribute("aria-label") || "reference"));
    var locator = link.getAttribute("data-lems-locator");
    entriesOf(link).forEach(function (entry) {
      var item = document.createElement("span");
      item.className = "lems-preview__entry";
      var head = document.createElement("span");
      head.className = "lems-preview__head";
      var number = document.createElement("a");
      number.className = "lems-preview__number";
      number.href = "#" + entry.id;
      number.textContent = entry.value ? "Reference " + entry.value : "Reference";
      head.appendChild(number);
      if (locator) {
        var where = document.createElement("span");
        where.className = "lems-preview__locator";
        where.textContent = "Cited for " + locator;
        head.appendChild(where);
      }
      item.appendChild(head);
      var body = document.createElement("span");
      body.className = "lems-preview__body";
      for (var child = entry.firstChild; child; child = child.nextSibling) body.appendChild(cloneInline(child));
      item.appendChild(body);
      box.appendChild(item);
    });
    box.addEventListener("pointerenter", function () { clearTimeout(closeTimer); });
    box.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse") scheduleClose();
    });
    return box;
  }

  /* The line the number sits on: the last character before it, else the number itself. */
  function lineBox(link) {
    var sup = link.closest("sup") || link;
    var before = sup.previousSibling;
    var rect = null;
    if (before && before.nodeType === Node.TEXT_NODE && before.length) {
      var range = document.createRange();
      range.setStart(before, before.length - 1);
      range.setEnd(before, before.length);
      var rects = range.getClientRects();
      if (rects.length) rect = rects[rects.length - 1];
    }
    var own = link.getClientRects();
    var last = own.length ? own[own.length - 1] : link.getBoundingClientRect();
    if (!rect || rect.height === 0) rect = last;
    return { top: Math.min(rect.top, last.top), bottom: Math.max(rect.bottom, last.bottom), left: last.left };
  }

  function place() {
    if (!popup || !owner) return;
    var line = lineBox(owner);
    var header = document.querySelector(".md-header");
    var ceiling = Math.max(MARGIN, header ? header.getBoundingClientRect().bottom + MARGIN : MARGIN);
    var viewportHeight = window.innerHeight;
    var viewportWidth = document.documentElement.clientWidth;
    popup.style.maxHeight = "";
    var height = popup.offsetHeight;
    var width = popup.offsetWidth;
    // Under the line first: what is under it has not been read yet. Else over the whole
    // paragraph, so that the sentence being read stays in view; else over the line; else
    // wherever there is more room, scrolling inside.
    var block = owner.closest("p, li, td, th, dd, dt, blockquote, h1, h2, h3, h4, h5, h6") || owner;
    var blockTop = block.getBoundingClientRect().top;
    var below = viewportHeight - MARGIN - (line.bottom + GAP);
    var overBlock = blockTop - GAP - ceiling;
    var above = line.top - GAP - ceiling;
    var top;
    if (height <= below) {
      top = line.bottom + GAP;
    } else if (height <= overBlock) {
      top = blockTop - GAP - height;
    } else if (height <= above) {
      top = line.top - GAP - height;
    } else if (below >= above) {
      popup.style.maxHeight = Math.max(below, 48) + "px";
      top = line.bottom + GAP;
    } else {
      popup.style.maxHeight = Math.max(above, 48) + "px";
      top = line.top - GAP - popup.offsetHeight;
    }
    var left = Math.min(Math.max(MARGIN, line.left - 16), viewportWidth - MARGIN - width);
    popup.style.top = Math.round(top) + "px";
    popup.style.left = Math.round(Math.max(MARGIN, left)) + "px";
  }

  function open(link, pin) {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    if (owner === link && popup) {
      pinned = pinned || pin;
      return;
    }
    close(false);
    owner = link;
    pinned = pin;
    popup = build(link);
    (link.closest("sup") || link).after(popup);
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", POPUP_ID);
    place();
  }

  function close(returnFocus) {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    if (!popup || !owner) return;
    var link = owner;
    var hadFocus = popup.contains(document.activeElement);
    popup.remove();
    popup = null;
    owner = null;
    pinned = false;
    link.setAttribute("aria-expanded", "false");
    link.removeAttribute("aria-controls");
    if (returnFocus && hadFocus) {
      escapedFrom = link;
      link.focus();
    }
  }

  function scheduleClose() {
    clearTimeout(closeTimer);
    closeTimer = setTimeout(function () {
      if (!popup || pinned) return;
      var active = document.activeElement;
      if (active === owner || popup.contains(active)) return;
      close(false);
    }, 300);
  }

  Array.prototype.forEach.call(links, function (link) {
    var ids = entriesOf(link).map(function (entry) { return entry.id; });
    if (ids.length) link.setAttribute("aria-describedby", ids.join(" "));
    link.setAttribute("aria-expanded", "false");

    link.addEventListener("pointerenter", function (event) {
      if (event.pointerType !== "mouse") return;
      clearTimeout(closeTimer);
      clearTimeout(openTimer);
      openTimer = setTimeout(function () { open(link, false); }, 120);
    });
    link.addEventListener("pointerleave", function (event) {
      if (event.pointerType !== "mouse") return;
      clearTimeout(openTimer);
      if (owner === link) scheduleClose();
    });
    link.addEventListener("focus", function () {
      if (escapedFrom === link) return;
      open(link, false);
    });
    link.addEventListener("blur", function () {
      if (escapedFrom === link) escapedFrom = null;
    });
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      if (owner === link && pinned) {
        close(false); // the second activation follows the link to the list
        return;
      }
      event.preventDefault();
      escapedFrom = null;
      open(link, true);
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && popup) {
      var link = owner;
      close(true);
      if (document.activeElement === link) escapedFrom = link;
    }
  });
  // Focus that moves anywhere but the number or its popup closes the popup.
  document.addEventListener("focusin", function (event) {
    if (popup && event.target !== owner && !popup.contains(event.target)) close(false);
  });
  document.addEventListener("pointerdown", function (event) {
    if (popup && !popup.contains(event.target) && !owner.contains(event.target)) close(false);
  });
  var frame = 0;
  function follow() {
    if (!popup || frame) return;
    frame = requestAnimationFrame(function () { frame = 0; place(); });
  }
  window.addEventListener("scroll", follow, { passive: true });
  window.addEventListener("resize", follow);
})();
