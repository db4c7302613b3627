/* Influencer Ops: the few behaviours the layout needs (no inline scripts: CSP).
   - the menu button opens and closes the sidebar on phones;
   - after a redirect, focus moves to the flash messages so they are read first;
   - forms marked data-confirm ask in a <dialog> before a destructive or money-moving action,
     with Tab kept inside the dialog while it is open;
   - a data-select-all checkbox ticks every row of its table (bulk actions), also after htmx swaps;
   - htmx swaps a refusal (400, 404, 409) in place for forms marked data-swap-errors (it would drop it). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUpMenu() {
    var button = document.querySelector(".menu-button[aria-controls]");
    if (!button) return;
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) return;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
      if (open) {
        var first = nav.querySelector("a");
        if (first) first.focus();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        nav.classList.remove("is-open");
        button.focus();
      }
    });
  }

  function focusMessages() {
    var region = document.querySelector(".messages[tabindex]");
    if (region) region.focus();
  }

  function setUpConfirm() {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var text = document.getElementById("confirm-dialog-text");
    var yes = document.getElementById("confirm-dialog-yes");
    var pending = null;

    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
      if (form.dataset.confirmed === "yes") {
        delete form.dataset.confirmed;
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      pending = { form: form, submitter: event.submitter || null };
      text.textContent = form.getAttribute("data-confirm");
      yes.textContent = form.getAttribute("data-confirm-button") || "Yes, go ahead";
      dialog.returnValue = "";
      dialog.showModal();
    }, true);

    // A modal dialog makes the page inert, but Tab past its last button would still leave it
    // for the browser's own controls: keep Tab and Shift+Tab cycling through its buttons.
    dialog.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") return;
      var controls = dialog.querySelectorAll("button, [href], input, select, textarea");
      if (!controls.length) return;
      var first = controls[0];
      var last = controls[controls.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    });

    dialog.addEventListener("close", function () {
      var job = pending;
      pending = null;
      if (!job) return;
      if (dialog.returnValue === "proceed") {
        job.form.dataset.confirmed = "yes";
        if (typeof job.form.requestSubmit === "function") {
          job.form.requestSubmit(job.submitter);
        } else {
          job.form.submit();
        }
      } else if (job.submitter) {
        job.submitter.focus();
      }
    });
  }

  function setUpSelectAll() {
    document.addEventListener("change", function (event) {
      var box = event.target;
      if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") return;
      var table = box.closest("table");
      if (!table) return;
      var all = table.querySelector("input[data-select-all]");
      var rows = table.querySelectorAll("tbody input[type=checkbox]");
      if (box.hasAttribute("data-select-all")) {
        rows.forEach(function (row) { row.checked = box.checked; });
      } else if (all) {
        var ticked = Array.prototype.filter.call(rows, function (row) { return row.checked; });
        all.checked = ticked.length === rows.length;
        all.indeterminate = ticked.length > 0 && ticked.length < rows.length;
      }
    });
  }

  function setUpErrorSwaps() {
    document.addEventListener("htmx:beforeSwap", function (event) {
      var detail = event.detail;
      var source = detail.requestConfig && detail.requestConfig.elt;
      var status = detail.xhr ? detail.xhr.status : 0;
      if ([400, 404, 409].indexOf(status) >= 0 && source && source.closest("[data-swap-errors]")) {
        detail.shouldSwap = true;
        detail.isError = false;
      }
    });
  }

  function start() {
    setUpMenu();
    setUpErrorSwaps();
    setUpSelectAll();
    setUpConfirm();
    focusMessages();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
