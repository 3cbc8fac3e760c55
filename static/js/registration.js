// The registration counter: keyboard shortcuts, type-ahead lists, person/legal-entity switch,
// representative fields, extra document rows. No inline scripts (CSP).
(function () {
  "use strict";

  var form = document.getElementById("registration-form");
  if (!form) return;

  // Ctrl+Enter (Cmd+Enter on a Mac) registers from anywhere in the form (once: see data-once in cnap.js).
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (form.getAttribute("data-submitting") === "1") return;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
  });

  // Alt+A jumps to the applicant (the search box of known applicants), from anywhere on the page.
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "a" || event.key === "A" || event.code === "KeyA") {
      var search = document.getElementById("applicant-search");
      if (search) {
        event.preventDefault();
        search.scrollIntoView({block: "center"});
        search.focus();
      }
    }
  });

  // The server's reading of the typed applicant (#applicant-check): fill a blank date of birth and sex
  // with what a valid RNOKPP encodes; a typed value that differs stays and the server warns about it.
  function fillDerived(check) {
    if (!check) return;
    var birth = document.getElementById("id_applicant-birth_date");
    var sex = document.getElementById("id_applicant-sex");
    var derivedBirth = check.getAttribute("data-birth-date");
    var derivedSex = check.getAttribute("data-sex");
    if (birth && derivedBirth && !birth.value) birth.value = derivedBirth;
    if (sex && derivedSex && !sex.value) sex.value = derivedSex;
  }

  // Applicant: show the person's or the legal entity's fields.
  function applyKind() {
    var checked = form.querySelector("input[name='applicant-kind']:checked");
    var kind = checked ? checked.value : "person";
    form.querySelectorAll("[data-applicant-kind]").forEach(function (fieldset) {
      var active = fieldset.getAttribute("data-applicant-kind") === kind;
      fieldset.hidden = !active;
      fieldset.disabled = !active;
    });
  }

  // Representative: the fields only when "filed by a representative" is ticked.
  function applyRepresentative() {
    var box = form.querySelector("input[name='representative-present']");
    var fields = document.getElementById("representative-fields");
    if (!box || !fields) return;
    fields.hidden = !box.checked;
    fields.disabled = !box.checked;
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "applicant-kind") applyKind();
    if (event.target.name === "representative-present") applyRepresentative();
  });

  // Arrow keys move between a search box and its result list; Escape closes the list.
  function listNavigation(inputId, resultsId) {
    var input = document.getElementById(inputId);
    var results = document.getElementById(resultsId);
    if (!input || !results) return;
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        var first = results.querySelector("button");
        if (first) { event.preventDefault(); first.focus(); }
      } else if (event.key === "Enter") {
        // Enter in a search box picks the first result instead of submitting the form.
        var only = results.querySelector("button");
        event.preventDefault();
        if (only && !event.ctrlKey && !event.metaKey) only.click();
      }
    });
    results.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(results.querySelectorAll("button"));
      var index = buttons.indexOf(document.activeElement);
      if (index < 0) return;
      if (event.key === "ArrowDown" && index < buttons.length - 1) { event.preventDefault(); buttons[index + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (index > 0 ? buttons[index - 1] : input).focus(); }
      if (event.key === "Escape") { results.innerHTML = ""; input.focus(); }
    });
  }
  listNavigation("service-search", "service-results");
  listNavigation("applicant-search", "applicant-results");

  // Extra documents: clone the template row.
  form.addEventListener("click", function (event) {
    var button = event.target.closest("#add-extra-document");
    if (!button) return;
    var template = document.getElementById("extra-row-template");
    var rows = document.getElementById("document-rows");
    if (!template || !rows) return;
    var row = template.content.firstElementChild.cloneNode(true);
    rows.appendChild(row);
    var name = row.querySelector("input[name='extra_name']");
    if (name) name.focus();
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    fillDerived(document.getElementById("applicant-check"));
    if (target.id === "checklist") {
      // A service was chosen: close the list, show its title, go to the first document.
      var results = document.getElementById("service-results");
      if (results) results.innerHTML = "";
      var hidden = document.getElementById("id_service");
      var search = document.getElementById("service-search");
      if (hidden && search) search.value = hidden.getAttribute("data-title") || search.value;
      var first = target.querySelector("input[name='doc']");
      if (first) first.focus();
    }
    if (target.id === "applicant-fields" || (event.detail.elt && event.detail.elt.id === "applicant-fields")) {
      var list = document.getElementById("applicant-results");
      if (list) list.innerHTML = "";
      applyKind();
      var last = document.getElementById("id_applicant-phone");
      if (last) last.focus();
    }
  });

  applyKind();
  applyRepresentative();
})();
