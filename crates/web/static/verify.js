// The certificate status page (/verify/{number}): a QR link carries the signed payload after
// "#", which the browser never sends to the server. When the page is opened with it and
// without ?sig=, this moves it into ?sig= so the server checks the signature. Optional: the
// page's form does the same by hand.
(function () {
  var h = window.location.hash;
  if (h.length < 2 || /[?&]sig=/.test(window.location.search)) return;
  var q = window.location.search ? window.location.search + "&" : "?";
  window.location.replace(window.location.pathname + q + "sig=" + encodeURIComponent(h.slice(1)) + "#signature");
})();
