// Progressive enhancement of a download package's page: while the
// package is being built, fetch its progress fragment every few seconds
// and swap it in place (the page reloads itself by a <noscript> refresh
// when JavaScript is off). The fragment comes from the portal itself.
(function () {
  "use strict";
  var every = 2000;
  var failures = 0;

  function poll() {
    var el = document.querySelector("[data-export-progress]");
    if (!el || el.getAttribute("data-done") === "true") {
      return;
    }
    var url = el.getAttribute("data-export-progress");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (res) {
        if (!res.ok) {
          throw new Error("status " + res.status);
        }
        return res.text();
      })
      .then(function (html) {
        failures = 0;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.querySelector("[data-export-progress]");
        if (next) {
          // Keep the element (a live region screen readers follow) and
          // swap what it says.
          el.replaceChildren.apply(el, Array.prototype.map.call(next.childNodes, function (n) {
            return document.importNode(n, true);
          }));
          el.setAttribute("data-done", next.getAttribute("data-done") || "true");
        }
        window.setTimeout(poll, every);
      })
      .catch(function () {
        // A network hiccup: try again, more slowly, then give up (the
        // page still works when reloaded).
        failures += 1;
        if (failures < 5) {
          window.setTimeout(poll, every * (failures + 1));
        }
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { window.setTimeout(poll, every); });
  } else {
    window.setTimeout(poll, every);
  }
})();
