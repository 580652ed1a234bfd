// Copy buttons (invitation links): a button with data-copy="ID" copies the field with that
// id. The buttons are hidden until this script shows them; without JavaScript the field is
// read-only and selectable by hand.
(function () {
  var buttons = document.querySelectorAll('button[data-copy]');
  Array.prototype.forEach.call(buttons, function (b) {
    var field = document.getElementById(b.getAttribute('data-copy'));
    if (!field) return;
    b.hidden = false;
    b.addEventListener('click', function () {
      field.focus();
      field.select();
      var done = function () {
        var t = b.getAttribute('data-done');
        if (t) b.textContent = t;
      };
      var fallback = function () {
        try { if (document.execCommand('copy')) done(); } catch (e) { /* selected: copy by hand */ }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
  var fields = document.querySelectorAll('input[data-select-on-focus]');
  Array.prototype.forEach.call(fields, function (f) {
    f.addEventListener('focus', function () { f.select(); });
  });
})();
