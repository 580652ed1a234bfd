// Tianping: the table form of an assessment page, with JavaScript. The page works fully
// without this script (one form, one save button, a normal POST). With it, changed rows are
// marked, the page says "有未保存的修改" and warns before leaving, and the table is saved in
// the background (the same endpoint, answering JSON) a moment after the last change or when
// the save button is pressed; "已保存" or the error appears next to each row.
(function () {
  "use strict";
  var form = document.querySelector("form.answers");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) {
    return;
  }
  var text = form.dataset;
  var status = form.querySelector(".save-status");
  var dirty = {};
  var inFlight = false;
  var again = false;
  var timer = null;

  function field(row, prefix) {
    return form.querySelector('[name="' + prefix + CSS.escape(row.dataset.ind) + '"]');
  }
  function val(el) {
    return el ? el.value.trim() : "";
  }
  function changed(row) {
    var v = field(row, "v:");
    if (!v) {
      return false;
    }
    if (val(v) !== val(field(row, "o:"))) {
      return true;
    }
    var s = field(row, "s:");
    return !!s && val(v) !== "" && val(s) !== val(field(row, "os:"));
  }
  function state(row, message, bad) {
    var cell = row.querySelector(".rowstate");
    if (cell) {
      cell.textContent = message;
      cell.classList.toggle("err", !!bad);
    }
  }
  function showCount() {
    var n = Object.keys(dirty).length;
    if (!inFlight) {
      status.textContent = n ? text.unsaved : "";
    }
  }
  function mark(row) {
    var id = row.dataset.ind;
    if (changed(row)) {
      dirty[id] = row;
      row.classList.add("unsaved");
      state(row, text.unsaved);
    } else {
      delete dirty[id];
      row.classList.remove("unsaved");
      var cell = row.querySelector(".rowstate");
      if (cell && cell.textContent === text.unsaved) {
        state(row, "");
      }
    }
    showCount();
  }
  function clearError(row) {
    var old = row.querySelector("td.answer .err.live");
    if (old) {
      old.remove();
    }
    row.classList.remove("invalid-row");
  }
  function showError(row, message) {
    clearError(row);
    var p = document.createElement("p");
    p.className = "err live";
    p.setAttribute("role", "alert");
    p.textContent = message;
    row.querySelector("td.answer").appendChild(p);
    row.classList.add("invalid-row");
    state(row, text.failed, true);
  }
  function onEdit(e) {
    var row = e.target.closest("tr[data-ind]");
    if (!row) {
      return;
    }
    mark(row);
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  }
  function save() {
    clearTimeout(timer);
    if (inFlight) {
      again = true;
      return;
    }
    var rows = Object.keys(dirty).map(function (k) {
      return dirty[k];
    });
    if (!rows.length) {
      return;
    }
    // what is sent, to become the stored value once saved
    var sent = rows.map(function (row) {
      return { row: row, v: val(field(row, "v:")), s: field(row, "s:") ? val(field(row, "s:")) : null };
    });
    inFlight = true;
    status.textContent = text.saving;
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (r) {
        return r.json();
      })
      .then(function (j) {
        var saved = {};
        (j.saved || []).forEach(function (id) {
          saved[id] = true;
        });
        sent.forEach(function (x) {
          var id = x.row.dataset.ind;
          if (saved[id]) {
            field(x.row, "o:").value = x.v;
            if (x.s !== null) {
              field(x.row, "os:").value = x.s;
            }
            clearError(x.row);
            mark(x.row);
            if (!dirty[id]) {
              state(x.row, text.saved);
            }
          } else if (j.errors && j.errors[id]) {
            showError(x.row, j.errors[id]);
          } else if (j.errors && Object.keys(j.errors).length) {
            state(x.row, text.failed, true);
          }
        });
        Object.keys(j.counts || {}).forEach(function (k) {
          document.querySelectorAll('[data-count="' + CSS.escape(k) + '"]').forEach(function (el) {
            el.textContent = j.counts[k];
          });
        });
        inFlight = false;
        status.textContent = j.errors && j.errors[""] ? j.errors[""] : j.message || "";
        if (Object.keys(dirty).length && !Object.keys(j.errors || {}).length) {
          showCount();
        }
      })
      .catch(function () {
        inFlight = false;
        status.textContent = text.offline;
      })
      .then(function () {
        if (again) {
          again = false;
          save();
        }
      });
  }
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    save();
  });
  window.addEventListener("beforeunload", function (e) {
    if (Object.keys(dirty).length || inFlight) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
})();
