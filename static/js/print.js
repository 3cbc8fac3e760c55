// A printed document shown in a frame (the receipt after registering): the print dialog opens when it
// has loaded, and the print button prints the frame instead of opening a new tab. No inline scripts (CSP).
(function () {
  "use strict";

  function printFrame(frame) {
    try {
      frame.contentWindow.focus();
      frame.contentWindow.print();
      frame.setAttribute("data-print-requested", "1");
      return true;
    } catch (error) {
      return false;  // not printable here (no PDF viewer): the button opens the PDF instead
    }
  }

  document.querySelectorAll("iframe[data-autoprint]").forEach(function (frame) {
    frame.addEventListener("load", function () {
      if (frame.hasAttribute("data-print-requested")) return;
      // A browser driven by automation (navigator.webdriver) has nobody to answer a print dialog, and
      // headless Chromium's renderer does not survive one over a PDF: there the frame just shows it.
      if (navigator.webdriver) {
        frame.setAttribute("data-print-skipped", "automation");
        return;
      }
      printFrame(frame);
    });
    // The document is loaded only now, so its load is never missed.
    if (frame.getAttribute("data-src")) frame.src = frame.getAttribute("data-src");
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print-frame]");
    if (!button) return;
    var frame = document.getElementById(button.getAttribute("data-print-frame"));
    if (frame && printFrame(frame)) event.preventDefault();
  });
})();
