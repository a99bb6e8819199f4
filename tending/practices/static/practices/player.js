// The guided player: one stage at a time, timed steps, pause, and "stop and ground".
// Every time is computed from timestamps, so a locked screen or a sleeping tab never
// miscounts. Without this file the page shows every step and a plain form that still saves.
"use strict";

(function () {
  const root = document.querySelector("[data-player]");
  if (!root) return;
  document.documentElement.classList.add("js");

  const stages = Array.from(root.querySelectorAll("[data-stage]"));
  const steps = Array.from(root.querySelectorAll("[data-steps] > li"));
  const pauseButton = root.querySelector('[data-action="pause"]');
  const nextButton = root.querySelector('[data-action="next"]');
  const kind = root.dataset.playerKind;
  const tool = root.querySelector(kind === "pacer" ? "[data-pacer]" : "[data-timer]");
  const field = (name) => root.querySelector(`[name="${name}"]`);
  const voice = root.querySelector("[data-recording]");

  let practiceStartedAt = null; // Date.now() when "Begin" was pressed
  let pausedSince = null; // Date.now() when paused, or null
  let pausedTotal = 0; // milliseconds spent paused
  let stepIndex = -1;
  let stepStartedAt = 0; // practice-clock milliseconds when the current step began
  let ticking = null;
  let ended = false; // the practice has finished or been stopped: the outcome is settled

  const now = () => Date.now();
  // Milliseconds practised so far, not counting pauses.
  const practised = () => {
    if (practiceStartedAt === null) return 0;
    const end = pausedSince === null ? now() : pausedSince;
    return Math.max(0, end - practiceStartedAt - pausedTotal);
  };

  function show(name, { focus = true } = {}) {
    for (const stage of stages) stage.hidden = stage.dataset.stage !== name;
    const heading = root.querySelector(`[data-stage="${name}"] h2`);
    if (heading && focus) {
      // Move screen readers and keyboards to the new stage, as a new page would.
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: false });
    }
  }

  function emit(name) {
    root.dispatchEvent(new CustomEvent(`tending:${name}`));
  }

  function showStep(index) {
    stepIndex = index;
    stepStartedAt = practised();
    steps.forEach((step, i) => step.classList.toggle("is-current", i === index));
    const onLastStep = index >= steps.length - 1;
    if (index >= steps.length) {
      // The steps are done: the pacer or timer takes over, or the person finishes.
      if (tool) {
        tool.hidden = false;
        emit("tool-start");
      }
      if (nextButton) nextButton.hidden = true;
      return;
    }
    if (nextButton) nextButton.textContent = onLastStep && !tool ? "Last step" : "Next";
  }

  function tick() {
    if (pausedSince !== null || stepIndex < 0 || stepIndex >= steps.length) return;
    const step = steps[stepIndex];
    const seconds = Number(step.dataset.seconds || 0);
    const label = step.querySelector("[data-step-remaining]");
    if (!seconds) return;
    const left = Math.ceil((seconds * 1000 - (practised() - stepStartedAt)) / 1000);
    if (label) label.textContent = left > 0 ? `${left} s` : "";
    if (left <= 0) {
      if (stepIndex < steps.length - 1 || tool) showStep(stepIndex + 1);
    }
  }

  function begin() {
    practiceStartedAt = now();
    pausedTotal = 0;
    pausedSince = null;
    const started = field("started_at");
    if (started) started.value = new Date(practiceStartedAt).toISOString();
    show("practice");
    showStep(0);
    ticking = window.setInterval(tick, 250);
  }

  function setPaused(paused) {
    if (paused && pausedSince === null) {
      pausedSince = now();
      if (voice) voice.pause();
      emit("pause");
    } else if (!paused && pausedSince !== null) {
      pausedTotal += now() - pausedSince;
      pausedSince = null;
      emit("resume");
    }
    if (pauseButton) {
      pauseButton.textContent = pausedSince === null ? "Pause" : "Resume";
      pauseButton.setAttribute("aria-pressed", String(pausedSince !== null));
    }
  }

  function end(outcome) {
    if (voice) voice.pause();
    if (ended) return; // stopping after finishing must not relabel a finished practice
    ended = true;
    const seconds = Math.round(practised() / 1000);
    window.clearInterval(ticking);
    emit("tool-stop");
    if (field("seconds")) field("seconds").value = String(seconds);
    if (field("outcome")) field("outcome").value = outcome;
    if (pausedSince === null && practiceStartedAt !== null) pausedSince = now();
  }

  root.addEventListener("click", (event) => {
    const action = event.target.closest("[data-action]")?.dataset.action;
    if (!action) return;
    if (action === "begin") begin();
    if (action === "pause") setPaused(pausedSince === null);
    if (action === "next" && pausedSince === null) showStep(stepIndex + 1);
    if (action === "finish") {
      end("completed");
      show("after");
    }
    if (action === "stop") {
      event.preventDefault();
      end("stopped");
      show("grounding");
    }
    if (action === "save-stopped") show("after");
  });

  // The timer reports when its time is up; the practice then moves to the check-in.
  root.addEventListener("tending:tool-finished", () => {
    end("completed");
    show("after");
  });

  // A save should never be sent twice by a double tap; the server would ignore it anyway.
  if (root.tagName === "FORM") {
    root.addEventListener("submit", (event) => {
      if (root.dataset.sending) event.preventDefault();
      root.dataset.sending = "yes";
    });
    // Coming back to this page (after a failed connection, say) must allow sending again.
    window.addEventListener("pageshow", () => delete root.dataset.sending);
  }

  // Hand the clock to the tools (pacer, timer) so they follow pauses.
  root.practiceClock = practised;
  // A form sent back with a problem opens where the problem is: the check-in and save.
  show(root.hasAttribute("data-has-errors") ? "after" : "before", {
    focus: root.hasAttribute("data-has-errors"),
  });
})();
