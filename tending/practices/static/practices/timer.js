// Meditation timer with optional start, interval and end bells. The end is worked out from
// the practice clock (timestamps), so it ends at the right moment even if the phone locked
// the screen or slowed the page down in the meantime.
"use strict";

(function () {
  const root = document.querySelector("[data-player]");
  const timer = root && root.querySelector("[data-timer]");
  if (!timer) return;

  const display = timer.querySelector("[data-timer-display]");
  const announce = timer.querySelector("[data-timer-announce]");
  const minutesSelect = timer.querySelector("[data-timer-minutes]");
  const intervalSelect = timer.querySelector("[data-timer-interval]");
  const bells = timer.querySelector("[data-timer-bells]");
  const startButton = timer.querySelector("[data-timer-start]");

  let startedAt = null; // practice-clock milliseconds
  let durationMs = 0;
  let intervalMs = 0;
  let intervalsRung = 0;
  let ticking = null;
  let audio = null;

  function bell(strength) {
    if (!audio) return;
    const start = audio.currentTime;
    for (const [frequency, level] of [[528, 0.12], [1056, 0.04]]) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(level * strength, start);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 4);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 4);
    }
  }

  function format(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
  }

  function tick() {
    const elapsed = root.practiceClock() - startedAt;
    display.textContent = format(durationMs - elapsed);
    if (intervalMs) {
      const due = Math.floor(Math.min(elapsed, durationMs - 1) / intervalMs);
      if (due > intervalsRung) {
        intervalsRung = due;
        bell(0.6);
      }
    }
    if (elapsed >= durationMs) {
      window.clearInterval(ticking);
      ticking = null;
      if (bells.checked) bell(1);
      announce.textContent = "The time is up.";
      root.dispatchEvent(new CustomEvent("tending:tool-finished"));
    }
  }

  startButton.addEventListener("click", () => {
    // Made during the tap, as phones require, so that later bells can sound.
    if (bells.checked || intervalSelect.value !== "0") {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      audio.resume();
    }
    durationMs = Number(minutesSelect.value) * 60 * 1000;
    intervalMs = Number(intervalSelect.value) * 60 * 1000;
    intervalsRung = 0;
    startedAt = root.practiceClock();
    startButton.hidden = true;
    minutesSelect.disabled = intervalSelect.disabled = true;
    if (bells.checked) bell(1);
    announce.textContent = `Timer started: ${minutesSelect.value} minutes.`;
    ticking = window.setInterval(tick, 250);
    tick();
  });

  // A returning screen catches up at once rather than at the next tick.
  document.addEventListener("visibilitychange", () => {
    if (ticking && !document.hidden) tick();
  });
  root.addEventListener("tending:tool-stop", () => {
    window.clearInterval(ticking);
    ticking = null;
  });
})();
