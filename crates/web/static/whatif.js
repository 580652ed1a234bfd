// Tianping: the what-if form recomputed as you type. Without this script the form works by
// its button (a normal POST that saves nothing). With it, a moment after the last change the
// form is posted in the background and the figures and the gap above it are replaced by the
// answer's; nothing is saved either way.
(function () {
  "use strict";
  var form = document.querySelector("form.whatif");
  var out = document.getElementById("whatif-out");
  if (!form || !out || !window.fetch || !window.FormData || !window.DOMParser) {
    return;
  }
  var timer = null;
  var seq = 0;
  function run() {
    var mine = ++seq;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    })
      .then(function (r) {
        return r.text();
      })
      .then(function (html) {
        if (mine !== seq) {
          return;
        }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("whatif-out");
        if (fresh) {
          out.innerHTML = fresh.innerHTML;
        } else {
          var err = doc.querySelector(".errors, .error, main");
          if (err) {
            out.innerHTML = err.innerHTML;
          }
        }
      })
      .catch(function () {});
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 300);
  });
})();
