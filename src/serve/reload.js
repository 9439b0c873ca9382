// depeche serve: live reload and error overlay. Injected by `depeche serve` only, never by `build`.
(function () {
  "use strict";
  var script = document.currentScript;
  var events = new EventSource(script.getAttribute("data-events"));
  var overlay = null;

  function hideOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function showOverlay(text) {
    hideOverlay();
    overlay = document.createElement("div");
    overlay.id = "depeche-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,24,.94);color:#f4f4f5;padding:2rem;font:14px/1.5 ui-monospace,monospace";
    var title = document.createElement("h2");
    title.textContent = "depeche: the build failed; the last good version is shown underneath";
    title.style.cssText = "color:#ff8a8a;font:bold 16px system-ui,sans-serif;margin:0 0 1rem";
    var pre = document.createElement("pre");
    pre.style.whiteSpace = "pre-wrap";
    pre.textContent = text; // textContent: diagnostics are shown, never interpreted as HTML
    overlay.appendChild(title);
    overlay.appendChild(pre);
    document.body.appendChild(overlay);
  }

  function refreshStyles() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.searchParams.set("depeche", Date.now().toString());
      links[i].href = url.toString();
    }
  }

  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("css", function () { hideOverlay(); refreshStyles(); });
  events.addEventListener("build-error", function (e) {
    if (e.data) { showOverlay(JSON.parse(e.data)); }
  });
})();
