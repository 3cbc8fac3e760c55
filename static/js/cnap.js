// Workstation behaviour shared by every page. No inline scripts anywhere (CSP).
(function () {
  "use strict";
  // Alt+N opens registration, Alt+S focuses the first search box: keyboard-first counter work.
  document.addEventListener("keydown", function (event) {
    if (!event.altKey) return;
    if (event.key === "s" || event.key === "S") {
      var search = document.querySelector("input[type=search]");
      if (search) { event.preventDefault(); search.focus(); }
    }
    if (event.key === "n" || event.key === "N") {
      var link = document.querySelector("a[data-shortcut=register]");
      if (link) { event.preventDefault(); window.location = link.href; }
    }
  });

  // One submit, one effect: a form marked data-once is sent once. Its submit buttons are disabled while
  // the request is in flight, and a second submit (a double click, Ctrl+Enter pressed twice) is ignored.
  // The server checks the form's one-time token too; this only spares the second request.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-once")) return;
    if (form.getAttribute("data-submitting") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "1");
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      var busy = button.getAttribute("data-busy-label");
      if (busy) button.textContent = busy;
    });
  });
  // Back to a page kept in the browser's cache: its forms may be used again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
    });
  });
})();
