// Record a practice in the browser (MediaRecorder) and send it through the same upload form
// as a chosen file, so the server checks both the same way. A file over the size limit is not
// sent at all: the server would refuse it, and a proxy in front may answer first with a bare
// page of its own.
"use strict";

(function () {
  const form = document.querySelector("[data-recorder]");
  if (!form) return;
  const input = form.querySelector('input[type="file"]');
  const status = form.querySelector("[data-recorder-status]");
  const tooLarge = form.querySelector("[data-recorder-too-large]");

  form.addEventListener("submit", (event) => {
    const file = input.files[0];
    tooLarge.hidden = !(file && file.size > Number(input.dataset.maxBytes));
    if (!tooLarge.hidden) {
      event.preventDefault();
      status.textContent = "";
    }
  });

  if (!window.MediaRecorder || !navigator.mediaDevices) return;
  document.documentElement.classList.add("js");

  const start = form.querySelector("[data-recorder-start]");
  const stop = form.querySelector("[data-recorder-stop]");
  // Prefer containers the server can time exactly; WebM is the usual fallback.
  const type = ["audio/mp4", "audio/ogg;codecs=opus", "audio/webm;codecs=opus", "audio/webm"]
    .find((candidate) => MediaRecorder.isTypeSupported(candidate)) || "";
  let recorder = null;
  let chunks = [];

  start.addEventListener("click", async () => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    } catch (error) {
      status.textContent = "The microphone is not available. You can upload a file instead.";
      return;
    }
    chunks = [];
    recorder.addEventListener("dataavailable", (event) => chunks.push(event.data));
    recorder.addEventListener("stop", () => {
      recorder.stream.getTracks().forEach((track) => track.stop());
      const mime = recorder.mimeType || type || "audio/webm";
      const extension = mime.includes("mp4") ? "m4a" : mime.includes("ogg") ? "ogg" : "webm";
      const file = new File(chunks, `recording.${extension}`, { type: mime });
      const files = new DataTransfer();
      files.items.add(file);
      input.files = files.files;
      status.textContent = "Recorded. Saving…";
      form.requestSubmit();
    });
    recorder.start(1000);
    start.hidden = true;
    stop.hidden = false;
    status.textContent = "Recording. Read the practice at a gentle pace.";
  });

  stop.addEventListener("click", () => {
    stop.hidden = true;
    start.hidden = false;
    if (recorder && recorder.state !== "inactive") recorder.stop();
  });
})();
