/* Search on demand: Material's search index and search worker load only when the reader shows
 * they want to search (focus, pointer or tap on the search field or its buttons, Material's
 * shortcuts `/`, `s`, `f`, or `?q=` / `?h=` in the address). Until then nothing is fetched
 * and no worker runs; afterwards Material's own code does everything, exactly as before.
 *
 * This leans on how Material 9.8.1's bundle.js starts search (mkdocs-material is pinned;
 * tests/browser/test_search_on_demand.py checks each point and names it when it breaks):
 *   1. the worker is created at load with `new Worker(url)`, url being the "search" value of
 *      the #__config JSON, on the window's own `Worker` constructor;
 *   2. the index is fetched at load with XMLHttpRequest (open, then send) from
 *      `search/search_index.json` under the #__config "base";
 *   3. both are read once, when bundle.js runs: this file must run first (it comes before
 *      bundle.js, both `defer`, so in document order).
 * The lever is therefore the two browser constructors, not Material's minified names: the
 * search worker is handed a stand-in that starts the real worker on intent, and the index
 * request is held at send() until then. Every other worker and request passes straight through.
 *
 * Search also follows the reader's version. The lems plugin publishes one index per version
 * (lems_site/search.py; its address is "searchIndex" in #lems-audience-config): the index
 * request is opened on the reader's version's index instead of Material's. Should the reader
 * change version once the index is loaded, the worker is set up again with the other index,
 * with the message Material itself sends (4. below; the same test checks it):
 *   4. the worker takes `{type: 0, data: {config, docs, options}}` as "set up this index".
 */
(function () {
  "use strict";

  var configElement = document.getElementById("__config");
  if (!configElement || typeof window.Worker !== "function" || typeof window.XMLHttpRequest !== "function") return;
  var config;
  try {
    config = JSON.parse(configElement.textContent);
  } catch (error) {
    return;
  }
  /* From file: Material already waits for the search box (and a worker cannot start there). */
  if (!config || typeof config.search !== "string" || location.protocol === "file:") return;
  var baseUrl = new URL(config.base || ".", location.href);
  var workerUrl = new URL(config.search, location.href).href;
  var indexUrl = new URL("search/search_index.json", baseUrl).href;
  var features = Array.isArray(config.features) ? config.features : [];
  /* A search or highlight in the address needs the index at once: nothing is held. */
  var params = new URLSearchParams(location.search);
  var released = params.has("q") || params.has("h");
  var waiting = [];

  /* ---- 0. the reader's version ------------------------------------------------------------ */

  var root = document.documentElement;
  var audiences = { list: [], index: "" };
  try {
    var audienceConfig = JSON.parse(document.getElementById("lems-audience-config").textContent);
    if (Array.isArray(audienceConfig.audiences) && typeof audienceConfig.searchIndex === "string") {
      audiences = { list: audienceConfig.audiences, index: audienceConfig.searchIndex };
    }
  } catch (error) { /* no versions: Material's own index */ }

  function isAudience(value) {
    return typeof value === "string" && audiences.list.indexOf(value) >= 0;
  }

  /* What the reader chose. A link to a section of the other version shows that version for a
     moment (audience.js), but the reader's choice stays the one before it. */
  function readerVersion() {
    var previous = root.getAttribute("data-audience-previous");
    if (root.getAttribute("data-audience-source") === "anchor" && isAudience(previous)) return previous;
    var shown = root.getAttribute("data-audience");
    return isAudience(shown) ? shown : audiences.list[0];
  }

  function versionIndexUrl(version) {
    if (!isAudience(version)) return indexUrl;
    return new URL(audiences.index.replace("{audience}", encodeURIComponent(version)), baseUrl).href;
  }

  var searchWorker = null;  // the real worker, once started
  var indexVersion = null;  // the version whose index it was given
  var materialSetUp = false;  // Material has sent its own set-up message

  /* The worker was given another version's index: give it the reader's, as Material would. */
  function followReader() {
    var version = readerVersion();
    if (!materialSetUp || !searchWorker || !isAudience(version) || version === indexVersion) return;
    indexVersion = version;
    var request = new XMLHttpRequest();
    request.open("GET", versionIndexUrl(version));
    request.responseType = "json";
    request.addEventListener("load", function () {
      var index = request.response;
      if (version !== indexVersion || request.status !== 200 || !index || !Array.isArray(index.docs)) return;
      searchWorker.postMessage({
        type: SETUP,
        data: { config: index.config, docs: index.docs, options: { suggest: features.indexOf("search.suggest") >= 0 } },
      });
    });
    request.send();
  }
  var SETUP = 0;  // Material's SearchMessageType.SETUP

  function sameUrl(url, expected) {
    try {
      return new URL(String(url), location.href).href === expected;
    } catch (error) {
      return false;
    }
  }

  /* ---- 1. the worker: a stand-in until intent ------------------------------------------- */

  var RealWorker = window.Worker;

  function copyEvent(event) {
    if (event.type === "error" && typeof ErrorEvent === "function") {
      return new ErrorEvent("error", { message: event.message, filename: event.filename, lineno: event.lineno, colno: event.colno, error: event.error });
    }
    if (typeof MessageEvent === "function" && "data" in event) {
      return new MessageEvent(event.type, { data: event.data, origin: event.origin, lastEventId: event.lastEventId, ports: event.ports ? Array.prototype.slice.call(event.ports) : [] });
    }
    return new Event(event.type);
  }

  /* Events from the real worker are re-dispatched here, where Material listens. */
  function DeferredWorker(url, options) {
    var target = document.createDocumentFragment();  // an EventTarget every browser can make
    var worker = null;
    var queue = [];
    var stand = {
      addEventListener: target.addEventListener.bind(target),
      removeEventListener: target.removeEventListener.bind(target),
      dispatchEvent: target.dispatchEvent.bind(target),
      postMessage: function (message) {
        if (message && message.type === SETUP) {
          materialSetUp = true;
          window.setTimeout(followReader, 0);  // after Material's, should the version have changed
        }
        if (worker) worker.postMessage.apply(worker, arguments);
        else queue.push(arguments);
      },
      terminate: function () {
        queue = [];
        if (worker) worker.terminate();
        worker = false;
      },
      onmessage: null,
      onmessageerror: null,
      onerror: null,
    };
    function start() {
      if (worker === false) return;  // terminated before it started
      worker = searchWorker = new RealWorker(url, options);
      ["message", "messageerror", "error"].forEach(function (type) {
        worker.addEventListener(type, function (event) {
          var copy = copyEvent(event);
          if (typeof stand["on" + type] === "function") stand["on" + type](copy);
          target.dispatchEvent(copy);
        });
      });
      queue.splice(0).forEach(function (args) { worker.postMessage.apply(worker, args); });
    }
    if (released) start();
    else waiting.push(start);
    return stand;
  }

  function GatedWorker(url, options) {
    if (!searchWorker && sameUrl(url, workerUrl)) return DeferredWorker(url, options);
    return new RealWorker(url, options);
  }
  GatedWorker.prototype = RealWorker.prototype;

  /* ---- 2. the index request: held at send() until intent --------------------------------- */

  var xhr = XMLHttpRequest.prototype;
  var realOpen = xhr.open;
  var realSend = xhr.send;
  var opened = typeof WeakMap === "function" ? new WeakMap() : null;
  if (!opened) return;

  function gatedOpen(method, url) {
    opened.set(this, url);
    if (!sameUrl(url, indexUrl)) return realOpen.apply(this, arguments);
    return realOpen.call(this, method, versionIndexUrl(readerVersion()));
  }

  /* Opened again at send(): the reader may have changed version while it was held. */
  function sendIndex(request, method, args) {
    indexVersion = readerVersion();
    realOpen.call(request, method || "GET", versionIndexUrl(indexVersion));
    realSend.apply(request, args);
    restoreRequests();
  }

  function gatedSend() {
    var request = this;
    var args = arguments;
    if (!sameUrl(opened.get(request), indexUrl)) return realSend.apply(request, args);
    if (released) return sendIndex(request, "GET", args);
    waiting.push(function () { sendIndex(request, "GET", args); });
    return undefined;
  }

  /* Material makes its one index request: then the browser's own methods go back. */
  function restoreRequests() {
    if (xhr.open === gatedOpen) xhr.open = realOpen;
    if (xhr.send === gatedSend) xhr.send = realSend;
  }

  /* ---- 3. intent -------------------------------------------------------------------------- */

  var SEARCH_CONTROLS = '.md-search, label[for="__search"], #__search';
  var SHORTCUTS = { "/": true, s: true, f: true };  // Material's own: bundle.js, "global" mode

  function typingInAField(element) {
    if (!element || !element.tagName) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select") return true;
    return tag === "input" && element.type !== "radio" && element.type !== "checkbox";
  }

  function onPointer(event) {
    /* A passing mouse over the search field is intent too: the index gets a head start. */
    if (event.type === "pointerover" && event.pointerType === "touch") return;
    onFocus(event);
  }

  function onFocus(event) {
    var target = event.target;
    if (target && target.closest && target.closest(SEARCH_CONTROLS)) release();
  }

  function onKey(event) {
    if (event.metaKey || event.ctrlKey || event.altKey) return;
    if (SHORTCUTS[event.key] === true && !typingInAField(event.target)) release();
  }

  var LISTENERS = [
    ["focusin", onFocus],
    ["pointerdown", onPointer],
    ["pointerover", onPointer],
    ["touchstart", onFocus],
    ["mousedown", onFocus],
    ["change", onFocus],
    ["keydown", onKey],
  ];
  var OPTIONS = { capture: true, passive: true };

  function release() {
    if (released) return;
    released = true;
    LISTENERS.forEach(function (pair) { document.removeEventListener(pair[0], pair[1], OPTIONS); });
    /* Material has made its one worker and its one request by now: the browser's own
       constructors go back, and what was held starts. */
    if (window.Worker === GatedWorker) window.Worker = RealWorker;
    root.setAttribute("data-lems-search", "loaded");
    waiting.splice(0).forEach(function (run) { run(); });
  }

  window.Worker = GatedWorker;
  xhr.open = gatedOpen;
  xhr.send = gatedSend;
  if (typeof MutationObserver === "function") {
    new MutationObserver(followReader).observe(root, { attributes: true, attributeFilter: ["data-audience", "data-audience-source"] });
  }
  if (released) {
    /* The worker and the index start at once; the worker constructor goes back after it. */
    root.setAttribute("data-lems-search", "loaded");
    document.addEventListener("DOMContentLoaded", function () {
      if (window.Worker === GatedWorker) window.Worker = RealWorker;
    });
    return;
  }
  LISTENERS.forEach(function (pair) { document.addEventListener(pair[0], pair[1], OPTIONS); });
  root.setAttribute("data-lems-search", "on-demand");
})();
