// "Add a row" for Django formsets (templates/services/draft_edit.html). No inline scripts (CSP):
// a button [data-formset-add=PREFIX] clones <template data-formset-empty=PREFIX> (the formset's
// empty_form) into [data-formset-body=PREFIX], replacing __prefix__ with the next index and raising
// PREFIX-TOTAL_FORMS; the new row's field named by data-formset-focus (else its first field) gets focus.
(function () {
  "use strict";
  if (window.cnapFormset) return;
  window.cnapFormset = true;

  function byData(name, prefix) {
    return document.querySelector("[" + name + '="' + CSS.escape(prefix) + '"]');
  }

  function addRow(button) {
    var prefix = button.getAttribute("data-formset-add");
    var template = byData("data-formset-empty", prefix);
    var body = byData("data-formset-body", prefix);
    var total = document.querySelector('input[name="' + CSS.escape(prefix) + '-TOTAL_FORMS"]');
    if (!template || !body || !total) return;
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    if (!row) return;
    body.appendChild(row);
    total.value = String(index + 1);
    var focusName = button.getAttribute("data-formset-focus");
    var target = (focusName && row.querySelector('[name="' + CSS.escape(prefix + "-" + index + "-" + focusName) + '"]')) ||
      row.querySelector("input:not([type=hidden]), select, textarea");
    if (target) target.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-formset-add]");
    if (!button) return;
    event.preventDefault();
    addRow(button);
  });
})();
