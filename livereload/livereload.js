// livereload: follows the dev server's events (package livereload).
(function () {
  "use strict";
  var me = document.currentScript;
  var path = me ? me.src.replace(/\.js(\?.*)?$/, "") : "/_nitro/livereload";
  var overlay = null;

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function show(e) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "nitro-livereload-overlay";
    overlay.setAttribute("style", "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,24,.94);color:#eee;font:14px/1.5 ui-monospace,monospace;padding:2em");
    var h = document.createElement("div");
    h.setAttribute("style", "color:#ff6b6b;font-size:18px;font-weight:bold;margin-bottom:1em");
    h.textContent = e.title || "Build failed";
    overlay.appendChild(h);
    (e.problems || []).forEach(function (p) {
      var row = document.createElement("div");
      row.className = "nitro-problem";
      var loc = document.createElement("span");
      loc.setAttribute("style", "color:#8ab4f8");
      loc.textContent = p.file + ":" + p.line + (p.col ? ":" + p.col : "");
      row.appendChild(loc);
      row.appendChild(document.createTextNode(": " + p.message));
      overlay.appendChild(row);
    });
    if (e.output) {
      var pre = document.createElement("pre");
      pre.setAttribute("style", "white-space:pre-wrap;color:#bbb;margin-top:1em");
      pre.textContent = e.output;
      overlay.appendChild(pre);
    }
    (document.body || document.documentElement).appendChild(overlay);
  }

  function swapCSS() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var l = links[i];
      var u = new URL(l.href, location.href);
      if (u.origin !== location.origin) continue;
      u.searchParams.set("_nitro", Date.now());
      l.href = u.toString();
    }
  }

  var es = new EventSource(path);
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("css", swapCSS);
  es.addEventListener("error", function (ev) {
    if (ev.data) show(JSON.parse(ev.data)); // a connection error has no data
  });
  es.addEventListener("clear", hide);
  window.addEventListener("beforeunload", function () { es.close(); });
})();
