// gdanim slide player: one slide per teaching beat, stepped through with the keyboard.
// No dependencies and nothing from the network, so a deck works from file:// on a laptop offline.
//   Right, Space, PageDown, Enter or a click: play the next beat (the first press plays the first).
//   Left, PageUp or Backspace: back one beat, shown at its end.   Home / End: first / last beat.
//   F: fullscreen.   S: speaker notes.   Each beat's last frame holds until the next key.
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var number = document.getElementById("slide-number");
  var title = document.getElementById("slide-title");
  var notes = document.getElementById("notes");
  var notesText = document.getElementById("notes-text");
  var notesButton = document.getElementById("notes-button");
  var current = 0;
  var played = false;  // has the current beat been played (or shown at its end)?

  function video(index) { return slides[index].querySelector("video"); }

  function preload(index) {
    slides.forEach(function (slide, other) {
      video(other).preload = Math.abs(other - index) <= 1 ? "auto" : "metadata";
    });
  }

  function show(index, atEnd) {
    slides.forEach(function (slide, other) {
      slide.hidden = other !== index;
      if (other !== index) { video(other).pause(); }
    });
    current = index;
    played = atEnd;
    var clip = video(index);
    if (atEnd) {
      holdEnd(clip);
    } else if (clip.readyState >= 1) {
      clip.currentTime = 0;
    }
    var slide = slides[index];
    number.textContent = (index + 1) + " / " + slides.length;
    title.textContent = slide.getAttribute("data-title");
    notesText.textContent = slide.querySelector(".slide-notes").textContent;
    document.body.setAttribute("data-slide", String(index + 1));
    preload(index);
  }

  function holdEnd(clip) {
    // The last frame: seek to the end once the duration is known.
    function seek() { clip.currentTime = clip.duration; }
    if (clip.readyState >= 1) { seek(); } else { clip.addEventListener("loadedmetadata", seek, { once: true }); }
  }

  function play(index) {
    if (index !== current || played) { show(index, false); }
    played = true;
    var clip = video(index);
    clip.currentTime = 0;
    var started = clip.play();
    if (started && started.catch) { started.catch(function () { /* a browser may refuse; the frame stays */ }); }
  }

  function next() {
    if (!played) { play(current); } else if (current + 1 < slides.length) { play(current + 1); }
  }

  function back() {
    if (current > 0) { show(current - 1, true); } else { show(0, false); }
  }

  function toggleNotes() {
    notes.hidden = !notes.hidden;
    notesButton.setAttribute("aria-expanded", notes.hidden ? "false" : "true");
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    if (key === "ArrowRight" || key === " " || key === "PageDown" || key === "Enter") {
      if (key === "Enter" && event.target.tagName === "BUTTON") { return; }
      next();
    } else if (key === "ArrowLeft" || key === "PageUp" || key === "Backspace") {
      back();
    } else if (key === "Home") {
      show(0, false);
    } else if (key === "End") {
      show(slides.length - 1, true);
    } else if (key === "f" || key === "F") {
      toggleFullscreen();
    } else if (key === "s" || key === "S") {
      toggleNotes();
    } else {
      return;
    }
    event.preventDefault();
  });

  document.getElementById("stage").addEventListener("click", next);
  document.getElementById("next-button").addEventListener("click", next);
  document.getElementById("back-button").addEventListener("click", back);
  notesButton.addEventListener("click", toggleNotes);
  document.getElementById("fullscreen-button").addEventListener("click", toggleFullscreen);

  // The speaker notes start open when the deck is opened with #notes.
  if (window.location.hash === "#notes") { toggleNotes(); }
  show(0, false);
})();
