/* The queue's public screens (no inline scripts: the CSP forbids them).
   Kiosk: a group button puts its group into the form; the ticket page goes back to the start by itself.
   Board: htmx polls the list; a new call (its version changes) plays a short tone; a failed poll shows
   "reconnecting" until the next one succeeds (htmx keeps polling, so the board recovers by itself). */
(function () {
  "use strict";

  // Kiosk: the tapped group.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-group]") : null;
    if (!button) return;
    var field = document.querySelector("[data-kiosk-group]");
    if (field) field.value = button.getAttribute("data-group");
  });

  // Kiosk: back to the start screen after a while.
  var back = document.querySelector("[data-kiosk-return]");
  if (back) {
    setTimeout(function () { window.location.assign(back.getAttribute("data-kiosk-return")); }, 30000);
  }

  // Clock in the header.
  var clock = document.querySelector("[data-queue-clock]");
  function tick() {
    if (!clock) return;
    // The office's time zone, whatever the kiosk's or TV's own clock is set to.
    var format = new Intl.DateTimeFormat("uk-UA", {
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: clock.getAttribute("data-queue-clock") || undefined
    });
    clock.textContent = format.format(new Date());
  }
  tick();
  setInterval(tick, 10000);

  // Board.
  var calls = document.getElementById("board-calls");
  if (!calls) return;
  var status = document.querySelector("[data-board-status]");
  var soundButton = document.querySelector("[data-board-sound]");
  var audio = null;

  function version() {
    var list = calls.querySelector("[data-board-version]");
    return list ? list.getAttribute("data-board-version") : "";
  }

  function beep() {
    if (!audio) {
      try {
        audio = new (window.AudioContext || window.webkitAudioContext)();
      } catch (error) {
        return;
      }
    }
    if (audio.state === "suspended") audio.resume();
    [0, 0.35].forEach(function (offset, index) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.frequency.value = index ? 660 : 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + offset + 0.3);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(audio.currentTime + offset);
      oscillator.stop(audio.currentTime + offset + 0.32);
    });
    calls.setAttribute("data-beeps", String(Number(calls.getAttribute("data-beeps") || "0") + 1));
  }

  if (soundButton) {
    soundButton.addEventListener("click", function () {
      beep();
      soundButton.hidden = true;
    });
  }

  var last = version();
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== calls) return;
    var now = version();
    if (now !== last && now !== "0") beep();
    last = now;
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== calls || !status) return;
    status.hidden = !!event.detail.successful;
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    if (event.detail.elt === calls && status) status.hidden = false;
  });
})();
