// The registry lookup panel (templates/registry/_lookup_panel.html). No inline scripts (CSP).
(function () {
  "use strict";
  if (window.cnapRegistryPanel) return;  // the panel may be included more than once
  window.cnapRegistryPanel = true;

  function fieldInput(panel, field) {
    var prefix = (panel && panel.getAttribute("data-field-prefix")) || "";
    var scope = (panel && panel.closest("form")) || document;
    return document.getElementById("id_" + prefix + field) ||
      scope.querySelector('[name="' + prefix + field + '"]') ||
      scope.querySelector('[name="' + field + '"]');
  }

  function chosenParam(panel) {
    var select = panel.querySelector("select[name=registry_lookup]");
    var option = select && select.options[select.selectedIndex];
    return option ? option.getAttribute("data-param") : "";
  }

  function ask(panel) {
    var button = panel.querySelector("[data-registry-ask]");
    if (button) button.click();
  }

  // Before htmx sends the lookup (capture phase runs first): an empty number is taken from the form's own
  // field for that number (the applicant's RNOKPP, UNZR or EDRPOU typed above).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-registry-ask]");
    if (!button) return;
    var panel = button.closest(".registry-panel");
    var value = panel.querySelector("input[name=registry_value]");
    if (value && !value.value.trim()) {
      var source = fieldInput(panel, chosenParam(panel));
      if (source && source.value) value.value = source.value.trim();
    }
  }, true);

  // Enter in the number asks the registry instead of submitting the registration form around the panel.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches || !event.target.matches(".registry-panel input[name=registry_value]")) return;
    event.preventDefault();
    ask(event.target.closest(".registry-panel"));
  });

  // "Copy the ticked fields into the form".
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-registry-copy]");
    if (!button) return;
    event.preventDefault();
    var result = button.closest(".registry-result");
    var panel = button.closest(".registry-panel");
    result.querySelectorAll("input[data-registry-field]:checked").forEach(function (box) {
      var input = fieldInput(panel, box.getAttribute("data-registry-field"));
      if (!input) return;
      input.value = box.getAttribute("data-value");
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    var note = result.querySelector("[data-registry-copied]");
    if (note) note.classList.remove("d-none");
  });
})();
