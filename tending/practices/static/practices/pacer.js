// Soothing-rhythm breathing pacer. The phase is computed from the practice clock on every
// frame, so it stays right after a pause or a locked screen. With reduced motion the circle
// stays still and the words count instead. A soft tone and a short vibration are optional.
"use strict";

(function () {
  const root = document.querySelector("[data-player]");
  const pacer = root && root.querySelector("[data-pacer]");
  if (!pacer) return;

  const circle = pacer.querySelector("[data-pacer-circle]");
  const words = pacer.querySelector("[data-pacer-words]");
  const announce = pacer.querySelector("[data-pacer-announce]");
  const setting = (name) => pacer.querySelector(`[data-pacer-${name}]`);
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const SMALL = 0.6;

  let startedAt = null; // practice-clock milliseconds when the pacer began
  let frame = null;
  let lastPhase = "";
  let audio = null;

  const seconds = (name) => Number(setting(name).value);

  function phases() {
    return [
      { name: "in", label: "Breathe in", ms: seconds("in") * 1000 },
      { name: "hold-in", label: "Rest", ms: seconds("hold-in") * 1000 },
      { name: "out", label: "Breathe out", ms: seconds("out") * 1000 },
      { name: "hold-out", label: "Rest", ms: seconds("hold-out") * 1000 },
    ].filter((phase) => phase.ms > 0);
  }

  // Phones allow sound only from a tap: make the audio context when the box is ticked.
  setting("tone").addEventListener("change", () => {
    if (!setting("tone").checked) return;
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    audio.resume();
  });

  function start() {
    window.cancelAnimationFrame(frame); // never two animation loops at once
    frame = window.requestAnimationFrame(draw);
  }

  function tone(high) {
    if (!setting("tone").checked || !audio) return;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = high ? 330 : 262;
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.06, audio.currentTime + 0.08);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.9);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 1);
  }

  function draw() {
    const list = phases();
    const cycle = list.reduce((sum, phase) => sum + phase.ms, 0);
    let at = (root.practiceClock() - startedAt) % cycle;
    let phase = list[0];
    for (const candidate of list) {
      if (at < candidate.ms) {
        phase = candidate;
        break;
      }
      at -= candidate.ms;
    }
    const progress = at / phase.ms;
    const count = Math.floor(at / 1000) + 1;
    if (reducedMotion.matches) {
      circle.style.transform = "scale(0.8)";
      words.textContent = `${phase.label} ${count}`;
    } else {
      const size = { in: SMALL + (1 - SMALL) * progress, "hold-in": 1, out: 1 - (1 - SMALL) * progress, "hold-out": SMALL }[phase.name];
      circle.style.transform = `scale(${size.toFixed(3)})`;
      words.textContent = phase.label;
    }
    if (phase.name !== lastPhase) {
      lastPhase = phase.name;
      announce.textContent = phase.label;
      if (phase.name === "in" || phase.name === "out") {
        tone(phase.name === "in");
        if (setting("vibrate").checked && navigator.vibrate) navigator.vibrate(40);
      }
    }
    frame = window.requestAnimationFrame(draw);
  }

  let running = false;
  root.addEventListener("tending:tool-start", () => {
    startedAt = root.practiceClock();
    lastPhase = "";
    running = true;
    start();
  });
  root.addEventListener("tending:pause", () => window.cancelAnimationFrame(frame));
  root.addEventListener("tending:resume", () => {
    if (running) start();
  });
  root.addEventListener("tending:tool-stop", () => {
    running = false;
    window.cancelAnimationFrame(frame);
    words.textContent = "Finished";
  });
})();
