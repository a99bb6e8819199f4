// The guided letter: saves the step quietly a moment after the client stops typing, so a
// closed tab or a lost connection keeps what was written. Without this file, "Save and go on"
// and the other buttons save the step just the same.
"use strict";

(function () {
  const form = document.querySelector("[data-letter-step]");
  const text = form && form.querySelector("textarea[name=text]");
  if (!text) return;
  document.documentElement.classList.add("js");

  const status = form.querySelector("[data-autosave-status]");
  const version = form.querySelector("input[name=version]");
  const WAIT_MS = 2500;
  let timer = null;
  let lastSaved = text.value;
  let stopped = false; // after a conflict, only a deliberate save may overwrite

  const say = (message) => {
    if (status) status.textContent = message;
  };

  async function save() {
    timer = null;
    if (stopped || text.value === lastSaved) return;
    const body = new FormData(form);
    body.set("intent", "autosave");
    const sending = text.value;
    try {
      const response = await fetch(window.location.href, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (response.status === 204) {
        lastSaved = sending;
        version.value = response.headers.get("X-Entry-Version") || version.value;
        say("Draft saved.");
      } else if (response.status === 409) {
        stopped = true;
        say("This letter changed in another window. Press Save and go on to choose what to keep.");
      } else {
        say("Not saved yet. Your words are still here; Save and go on will try again.");
      }
    } catch (error) {
      say("Not saved yet (no connection). Your words are still here.");
    }
  }

  text.addEventListener("input", () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, WAIT_MS);
  });
  text.addEventListener("blur", () => {
    if (timer) clearTimeout(timer);
    save();
  });
  // Pressing a button saves the step itself; a pending autosave must not race it.
  form.addEventListener("submit", () => {
    if (timer) clearTimeout(timer);
    stopped = true;
  });
})();
