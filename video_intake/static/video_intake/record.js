/* Citizen video appeal: record (MediaRecorder) or pick a file, preview, resumable tus upload, tracking code.
 * No inline script (CSP); translated messages come from data-* attributes of #video-appeal. */
(function () {
  "use strict";

  var root = document.getElementById("video-appeal");
  if (!root || !window.tus) { return; }
  var msg = function (name) { return root.getAttribute("data-msg-" + name) || name; };
  var $ = function (id) { return document.getElementById(id); };

  var live = $("live"), preview = $("preview");
  var startBtn = $("camera-start"), stopBtn = $("record-stop"), fileInput = $("file-input");
  var uploadBtn = $("upload-start"), resumeBtn = $("upload-resume");
  var progress = $("upload-progress"), uploadState = $("upload-state"), uploadError = $("upload-error");
  var recordingState = $("recording-state");
  var maxBytes = parseInt(root.getAttribute("data-max-bytes"), 10) || 0;
  var maxSeconds = parseInt(root.getAttribute("data-max-seconds"), 10) || 600;

  var chosen = null;       // File to upload (picked or recorded)
  var stream = null, recorder = null, chunks = [], stopTimer = null;
  var upload = null;

  function showError(text) {
    uploadError.textContent = text;
    uploadError.hidden = !text;
  }

  function setChosen(file) {
    chosen = file;
    showError("");
    if (preview.src) { URL.revokeObjectURL(preview.src); }
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
  }

  function pickMime() {
    var types = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm", "video/mp4"];
    if (!window.MediaRecorder || !MediaRecorder.isTypeSupported) { return ""; }
    for (var i = 0; i < types.length; i++) {
      if (MediaRecorder.isTypeSupported(types[i])) { return types[i]; }
    }
    return "";
  }

  function stopStream() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    live.srcObject = null;
    live.hidden = true;
  }

  startBtn.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      recordingState.textContent = msg("camera-error");
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then(function (s) {
      stream = s;
      live.srcObject = s;
      live.hidden = false;
      preview.hidden = true;
      live.play().catch(function () {});
      var mime = pickMime();
      recorder = mime ? new MediaRecorder(s, { mimeType: mime }) : new MediaRecorder(s);
      chunks = [];
      recorder.addEventListener("dataavailable", function (e) { if (e.data && e.data.size) { chunks.push(e.data); } });
      recorder.addEventListener("stop", function () {
        clearTimeout(stopTimer);
        var type = (recorder.mimeType || "video/webm").split(";")[0];
        var ext = type === "video/mp4" ? "mp4" : "webm";
        var blob = new Blob(chunks, { type: type });
        // A File with a stable name, size and date lets tus-js-client find it again to resume.
        setChosen(new File([blob], "recording-" + Date.now() + "." + ext, { type: type, lastModified: Date.now() }));
        stopStream();
        recordingState.textContent = "";
        startBtn.hidden = false;
        stopBtn.hidden = true;
        root.setAttribute("data-recorded", "yes");
      });
      recorder.start(1000);
      recordingState.textContent = msg("recording");
      startBtn.hidden = true;
      stopBtn.hidden = false;
      stopTimer = setTimeout(function () { if (recorder && recorder.state === "recording") { recorder.stop(); } },
                             maxSeconds * 1000);
    }).catch(function () {
      recordingState.textContent = msg("camera-error");
    });
  });

  stopBtn.addEventListener("click", function () {
    if (recorder && recorder.state === "recording") { recorder.stop(); }
  });

  fileInput.addEventListener("change", function () {
    if (fileInput.files && fileInput.files[0]) {
      var f = fileInput.files[0];
      if (maxBytes && f.size > maxBytes) { showError(msg("too-large")); return; }
      $("file-name").textContent = f.name;
      setChosen(f);
    }
  });

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function uploadIdFromUrl(url) {
    var parts = url.split("?")[0].split("/");
    return parts[parts.length - 1];
  }

  function submit(uploadUrl) {
    uploadState.textContent = msg("checking");
    var url = root.getAttribute("data-submit-template").replace("UPLOAD_ID", uploadIdFromUrl(uploadUrl));
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (resp) {
      return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
    }).then(function (r) {
      if (!r.ok) {
        uploadState.textContent = "";
        showError(r.body.reason || r.body.error || msg("failed"));
        uploadBtn.disabled = false;
        return;
      }
      uploadState.textContent = msg("done");
      $("tracking-code").textContent = r.body.tracking_code;
      $("status-link").href = r.body.status_url;
      progress.value = 100;
      resumeBtn.hidden = true;
      showReceipt();
    }).catch(function () {
      showError(msg("failed"));
      resumeBtn.hidden = false;
    });
  }

  /* The appeal is in: the form steps go away and the code stands at the top, on a phone's first screen. */
  function showReceipt() {
    stopStream();
    Array.prototype.forEach.call(root.querySelectorAll("section.capture, section.privacy, section.details, section.send"),
      function (s) { s.hidden = true; });
    if ($("video-lead")) { $("video-lead").hidden = true; }
    $("receipt").hidden = false;
    window.scrollTo(0, 0);
    $("receipt-title").focus({ preventScroll: true });
  }

  function start() {
    if (!chosen) { showError(msg("no-video")); return; }
    if (!$("consent").checked) { showError(msg("consent")); return; }
    showError("");
    uploadBtn.disabled = true;
    resumeBtn.hidden = true;
    progress.hidden = false;
    uploadState.textContent = msg("uploading");
    upload = new tus.Upload(chosen, {
      endpoint: root.getAttribute("data-endpoint"),
      chunkSize: 2 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      removeFingerprintOnSuccess: true,
      metadata: {
        filename: chosen.name || "video",
        filetype: chosen.type || "",
        consent: "yes",
        language: $("language").value,
        region: $("region").value,
        contact: $("contact").value.trim()
      },
      onProgress: function (sent, total) {
        progress.value = total ? Math.floor(sent * 100 / total) : 0;
        root.setAttribute("data-uploaded", String(sent));
      },
      onShouldRetry: function (err) {
        var status = err.originalResponse ? err.originalResponse.getStatus() : 0;
        if (status >= 400 && status < 500 && status !== 409 && status !== 423) { return false; }
        uploadState.textContent = msg("paused");
        return true;
      },
      onError: function (err) {
        var body = "";
        try { body = JSON.parse(err.originalResponse.getBody()).reason; } catch (e) { body = ""; }
        uploadState.textContent = "";
        showError(body || msg("failed"));
        resumeBtn.hidden = false;
        uploadBtn.disabled = false;
      },
      onSuccess: function () { submit(upload.url); }
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) { upload.resumeFromPreviousUpload(previous[0]); }
      upload.start();
    });
  }

  uploadBtn.addEventListener("click", start);
  resumeBtn.addEventListener("click", function () {
    if (!upload) { start(); return; }
    showError("");
    resumeBtn.hidden = true;
    uploadState.textContent = msg("uploading");
    if (upload.url && progress.value >= 100) { submit(upload.url); } else { upload.start(); }
  });
})();
