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
})();
