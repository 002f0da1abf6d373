// Keyboard shortcuts of the review pages. Plain JS, no build step, no inline handlers (the CSP forbids them).
// Elements opt in with data-key="x": a form is submitted, a link followed, a field focused.
// Queue page: j/k move the selection, Enter or o opens it. Item page: j/k next/previous, c confirm,
// r reject (then 1-9 picks the reason and submits), e edit, u undo, / search, Esc leaves a field.
(function () {
  "use strict";

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function keyed(key) {
    return document.querySelector('[data-key="' + key + '"]');
  }

  function activate(el) {
    if (!el) return false;
    if (el.tagName === "FORM") {
      if (el.id === "reject-form") return armReject(el);
      el.requestSubmit();
    } else if (el.dataset.focus) {
      var field = document.getElementById(el.dataset.focus);
      if (field) { field.scrollIntoView({block: "center"}); field.focus(); field.select && field.select(); }
    } else if (el.tagName === "A") {
      el.click();
    } else {
      el.focus();
    }
    return true;
  }

  // -- reject: r arms the form, a digit picks the reason and submits ---------------------------------
  function armReject(form) {
    form.classList.add("armed");
    var select = form.querySelector("select");
    select.focus();
    return true;
  }

  function pickReason(form, digit) {
    var select = form.querySelector("select");
    var index = parseInt(digit, 10);
    if (index < 1 || index >= select.options.length) return false;
    select.selectedIndex = index;
    form.requestSubmit();
    return true;
  }

  // -- queue rows ------------------------------------------------------------------------------------------
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.row")); }

  function moveRow(step) {
    var all = rows();
    if (!all.length) return false;
    var at = all.findIndex(function (r) { return r.classList.contains("selected"); });
    var next = at < 0 ? 0 : Math.min(all.length - 1, Math.max(0, at + step));
    if (at >= 0) all[at].classList.remove("selected");
    all[next].classList.add("selected");
    all[next].scrollIntoView({block: "nearest"});
    return true;
  }

  function openRow() {
    var row = document.querySelector("tr.row.selected");
    if (!row) return false;
    window.location.assign(row.dataset.href);
    return true;
  }

  function onQueue(key) {
    if (!rows().length) return false;
    if (key === "j") return moveRow(1);
    if (key === "k") return moveRow(-1);
    if (key === "Enter" || key === "o") return openRow();
    return false;
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    var target = ev.target;
    var reject = document.getElementById("reject-form");
    if (reject && reject.contains(target) && /^[1-9]$/.test(ev.key) && pickReason(reject, ev.key)) {
      ev.preventDefault();
      return;
    }
    if (typing(target)) {
      if (ev.key === "Escape") { target.blur(); if (reject) reject.classList.remove("armed"); }
      if (ev.key === "Enter" && target.tagName === "SELECT" && target.form && target.value) {
        ev.preventDefault();
        target.form.requestSubmit();
      }
      return;
    }
    var handled = onQueue(ev.key) || activate(keyed(ev.key));
    if (handled) ev.preventDefault();
  });

  // -- place suggestions while typing (the datalist starts with the places of the evidence) ----------------
  var place = document.querySelector("input[data-suggest]");
  var list = place && document.getElementById(place.getAttribute("list"));
  var timer = null;
  if (place && list) {
    place.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { suggest(place.value.trim()); }, 150);
    });
  }

  function suggest(prefix) {
    if (!prefix) return;
    var province = document.getElementById("province");
    var url = place.dataset.suggest + "?q=" + encodeURIComponent(prefix) +
      (province && province.value ? "&province=" + encodeURIComponent(province.value) : "");
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : []; }).then(function (found) {
      while (list.firstChild) list.removeChild(list.firstChild);
      found.forEach(function (p) {
        var option = document.createElement("option");
        option.value = p.name;
        option.textContent = p.province + " · " + p.level + (p.code ? " · " + p.code : "");
        list.appendChild(option);
      });
    }).catch(function () { /* suggestions are a convenience */ });
  }
})();
