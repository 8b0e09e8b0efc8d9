/* Transcript beside the video: clicking a segment seeks the player; the current segment is highlighted. */
(function () {
  "use strict";
  document.querySelectorAll("ol.transcript[data-video]").forEach(function (list) {
    var video = document.getElementById(list.dataset.video);
    if (!video) { return; }
    var buttons = Array.prototype.slice.call(list.querySelectorAll("button.seg"));
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        video.currentTime = parseFloat(b.dataset.start) || 0;
        var p = video.play();
        if (p && p.catch) { p.catch(function () {}); }
      });
    });
    video.addEventListener("timeupdate", function () {
      var t = video.currentTime;
      buttons.forEach(function (b) {
        var on = t >= parseFloat(b.dataset.start) && t < parseFloat(b.dataset.end);
        b.classList.toggle("active", on);
      });
    });
  });
})();
