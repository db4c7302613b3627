// Keyboard shortcuts of the review page (templates/programs/content_deliverable.html).
// A, C, R pick approve / approve with corrections / request changes; N opens the next item.
// Ignored while typing in a field or with a modifier key held. Nothing is saved by a key:
// "approve" moves focus to the Save button, the others to the comment for the creator.
(function () {
  "use strict";
  var form = document.querySelector("form[data-review-shortcuts]");
  var next = document.querySelector("a[data-next-item]");
  var status = document.getElementById("shortcut-status");
  var keys = { a: "approved", c: "approved_with_corrections", r: "changes_requested" };
  var shortcutOf = { approved: "a", approved_with_corrections: "c", changes_requested: "r" };

  if (form) {
    form.querySelectorAll("input[name=outcome]").forEach(function (radio) {
      if (shortcutOf[radio.value]) {
        radio.setAttribute("aria-keyshortcuts", shortcutOf[radio.value]);
      }
    });
  }

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (target.isContentEditable || tag === "textarea" || tag === "select") return true;
    if (tag !== "input") return false;
    var type = (target.getAttribute("type") || "text").toLowerCase();
    return ["radio", "checkbox", "button", "submit", "reset"].indexOf(type) === -1;
  }

  function announce(text) {
    if (status) status.textContent = text;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var key = (event.key || "").toLowerCase();
    if (key === "n" && next) {
      event.preventDefault();
      announce("Opening the next item.");
      window.location.assign(next.href);
      return;
    }
    if (!form || !keys[key]) return;
    var radio = form.querySelector("input[name=outcome][value=" + keys[key] + "]");
    if (!radio) return;
    event.preventDefault();
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    var label = radio.closest("label");
    var name = label ? label.textContent.trim() : radio.value;
    var comment = form.querySelector("[name=comment]");
    if (keys[key] === "approved" || !comment) {
      form.querySelector("button[type=submit]").focus();
      announce("Decision: " + name + ". Press Enter to save the review.");
    } else {
      comment.focus();
      announce("Decision: " + name + ". Write your comment for the creator, then save.");
    }
  });
})();
