// gdanim slide player: one slide per teaching beat, stepped through with the keyboard.
// No dependencies and nothing from the network, so a deck works from file:// on a laptop offline.
//
// The same page is two windows:
//   index.html#N           the audience window: the picture, and outside fullscreen a slim bar.
//   index.html?speaker#N   the speaker view (S opens it): the current beat, the next beat's poster,
//                          the notes, the slide number and an elapsed-time clock.
// The audience window holds the deck's state. The speaker view sends it every key as a command and
// mirrors the state it sends back (window.postMessage: it works between file:// windows, whose
// origins are opaque, where reading the other window's DOM does not). The speaker view says hello
// every second, so a reloaded audience window finds it again.
//
// Keys (auto-repeat ignored; the list shows on ?):
//   Right, Space, PageDown, Enter: play the next beat (the first press plays the first); its last frame holds.
//   Left, PageUp, Backspace: back one beat, shown at its end.   Home / End: first / last beat.
//   G, digits, Enter: go to slide N.   K or a click on the running beat: pause / resume.   R: replay.
//   B or .: black screen.   C: captions.   S: speaker view.   F: fullscreen.   ?: the keys.   Esc: close.
// The address keeps the slide (#N): a reload returns to it, and #N opens slide N.
(function () {
  "use strict";
  var SPEAKER = new URLSearchParams(window.location.search).has("speaker");
  var PROTOCOL = "gdanim-deck-1";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var words = JSON.parse(document.body.getAttribute("data-words") || "{}");
  var $ = function (id) { return document.getElementById(id); };
  var current = 0;
  var played = false;     // has the current beat been played (or shown at its end)?
  var black = false;
  var captions = false;
  var peer = null;        // the other window: the speaker view (audience) or the audience window (speaker)
  var heardAudience = 0;  // when the speaker view last heard the audience window (ms)
  var gotoDigits = null;  // the digits typed after G, or null

  function video(index) { return slides[index].querySelector("video"); }

  // ---- Captions: cues shipped in the page (data-cues), added with the TextTrack API. Chromium refuses a
  // <track> file from file://; these need no request. Off by default: the clip draws its own captions.
  slides.forEach(function (slide) {
    var cues = JSON.parse(slide.getAttribute("data-cues") || "[]");
    var track = video(slides.indexOf(slide)).addTextTrack("captions", words.captions || "captions",
                                                         document.documentElement.lang);
    cues.forEach(function (cue) { track.addCue(new VTTCue(cue[0], cue[1], cue[2])); });
    track.mode = "hidden";
  });

  function setCaptions(on) {
    captions = on;
    slides.forEach(function (slide, index) {
      Array.prototype.forEach.call(video(index).textTracks, function (track) { track.mode = on ? "showing" : "hidden"; });
    });
    document.body.classList.toggle("captions", on);
  }

  // ---- The deck's state, shown in this window.
  function preload(index) {
    slides.forEach(function (slide, other) {
      video(other).preload = Math.abs(other - index) <= 1 ? "auto" : "metadata";
    });
  }

  function holdEnd(clip) {
    // The last frame: seek to the end once the duration is known.
    function seek() { clip.currentTime = clip.duration; }
    if (clip.readyState >= 1) { seek(); } else { clip.addEventListener("loadedmetadata", seek, { once: true }); }
  }

  function keepInAddress(index) {
    var hash = "#" + (index + 1);
    if (window.location.hash === hash) { return; }
    try {
      history.replaceState(null, "", hash);
    } catch (error) {
      window.location.replace(hash);  // no history entry either way: Back leaves the deck, not a slide
    }
  }

  function show(index, atEnd) {
    slides.forEach(function (slide, other) {
      slide.hidden = other !== index;
      if (other !== index) { video(other).pause(); }
    });
    current = index;
    played = atEnd;
    var clip = video(index);
    clip.pause();
    if (atEnd) { holdEnd(clip); } else { rewind(clip); }
    var slide = slides[index];
    $("slide-number").textContent = (index + 1) + " / " + slides.length;
    $("slide-title").textContent = slide.getAttribute("data-title");
    document.body.setAttribute("data-slide", String(index + 1));
    preload(index);
    keepInAddress(index);
    if (SPEAKER) { showSpeakerPanel(index); }
  }

  function rewind(clip) {
    // Back to the poster. Only a fresh load shows it again: any seek, even to 0, puts the first frame in
    // its place, and a scene's first beat starts on an empty background.
    if (clip.currentTime !== 0 || clip.played.length) { clip.load(); }
  }

  function play(index) {
    if (index !== current || played) { show(index, false); }
    played = true;
    var clip = video(index);
    clip.currentTime = 0;
    var started = clip.play();
    if (started && started.catch) { started.catch(function () { /* a browser may refuse; the frame stays */ }); }
  }

  function running() {
    var clip = video(current);
    return played && !clip.ended && !(clip.duration && clip.currentTime >= clip.duration);
  }

  function phase() {
    var clip = video(current);
    if (!played) { return "poster"; }
    if (!running()) { return "end"; }
    return clip.paused ? "paused" : "playing";
  }

  // ---- Commands: what a key asks for. The audience window runs them; the speaker view sends them there.
  var commands = {
    next: function () { if (!played) { play(current); } else if (current + 1 < slides.length) { play(current + 1); } },
    back: function () { if (current > 0) { show(current - 1, true); } else { show(0, false); } },
    first: function () { show(0, false); },
    last: function () { show(slides.length - 1, true); },
    "goto": function (number) { if (number >= 1 && number <= slides.length) { show(number - 1, false); } },
    replay: function () { play(current); },
    pause: function () {
      if (!running()) { return; }
      var clip = video(current);
      if (clip.paused) { clip.play(); } else { clip.pause(); }
    },
    click: function () { if (running()) { commands.pause(); } else { commands.next(); } },
    black: function () { setBlack(!black); },
    captions: function () { setCaptions(!captions); }
  };

  function setBlack(on) {
    black = on;
    $("blackout").hidden = SPEAKER || !on;
    document.body.classList.toggle("black", on);
    if (SPEAKER) { $("speaker-status").textContent = on ? words.black : statusText(); }
  }

  function run(name, argument) {
    if (SPEAKER && audienceWindow()) {
      audienceWindow().postMessage({ protocol: PROTOCOL, type: "command", name: name, argument: argument }, "*");
      return;
    }
    commands[name](argument);
    sendState();
  }

  // ---- The two windows.
  function audienceWindow() { return window.opener && !window.opener.closed ? window.opener : null; }

  function state() {
    return { protocol: PROTOCOL, type: "state", index: current, phase: phase(), time: video(current).currentTime,
             black: black, captions: captions };
  }

  function sendState() {
    if (SPEAKER || !peer || peer.closed) { return; }
    try { peer.postMessage(state(), "*"); } catch (error) { peer = null; }
  }

  function openSpeakerView() {
    if (SPEAKER) { return; }
    if (peer && !peer.closed) { peer.focus(); sendState(); return; }
    var address = window.location.href.split("#")[0].split("?")[0] + "?speaker#" + (current + 1);
    peer = window.open(address, "gdanim-speaker", "popup=yes,width=1280,height=800");
    if (!peer) { $("slide-title").textContent = words.blocked; }
  }

  function mirror(message) {
    // The speaker view shows what the audience window reports.
    heardAudience = Date.now();
    if (message.index !== current) { show(message.index, message.phase !== "poster"); }
    played = message.phase !== "poster";
    var clip = video(current);
    if (message.phase === "playing") {
      if (Math.abs(clip.currentTime - message.time) > 0.3) { clip.currentTime = message.time; }
      if (clip.paused) { var started = clip.play(); if (started && started.catch) { started.catch(function () {}); } }
    } else if (message.phase === "paused") {
      clip.pause();
      clip.currentTime = message.time;
    } else if (message.phase === "end") {
      clip.pause();
      holdEnd(clip);
    } else {
      clip.pause();
      rewind(clip);
    }
    if (message.black !== black) { setBlack(message.black); }
    if (message.captions !== captions) { setCaptions(message.captions); }
    $("speaker-status").textContent = statusText();
  }

  window.addEventListener("message", function (event) {
    var message = event.data;
    if (!message || message.protocol !== PROTOCOL) { return; }
    if (SPEAKER) {
      if (message.type === "state" && event.source === audienceWindow()) { mirror(message); }
      return;
    }
    peer = event.source;  // the speaker view, also after this window was reloaded
    if (message.type === "command" && commands[message.name]) { commands[message.name](message.argument); }
    sendState();
  });

  slides.forEach(function (slide, index) {
    ["play", "pause", "ended", "seeked"].forEach(function (name) {
      video(index).addEventListener(name, function () { if (index === current) { sendState(); } });
    });
  });

  // ---- The speaker view's panel.
  function statusText() {
    if (black) { return words.black; }
    return audienceWindow() ? "" : words.alone;
  }

  function showSpeakerPanel(index) {
    var slide = slides[index];
    $("speaker-number").textContent = (index + 1) + " / " + slides.length;
    $("speaker-title").textContent = slide.getAttribute("data-title");
    $("speaker-notes").textContent = slide.querySelector(".slide-notes").textContent;
    var following = index + 1 < slides.length ? slides[index + 1] : null;
    $("next-title").textContent = following ? following.getAttribute("data-title") : words.end;
    var poster = $("next-poster");
    if (following) { poster.src = following.querySelector("video").getAttribute("poster"); poster.hidden = false; }
    else { poster.removeAttribute("src"); poster.hidden = true; }
  }

  var clockStart = Date.now();
  function resetClock() {
    clockStart = Date.now();
    try { sessionStorage.setItem("gdanim-clock", String(clockStart)); } catch (error) { /* storage may be off */ }
    tick();
  }
  function tick() {
    var seconds = Math.floor((Date.now() - clockStart) / 1000);
    var text = Math.floor(seconds / 3600) + ":" + String(Math.floor(seconds / 60) % 60).padStart(2, "0") + ":"
      + String(seconds % 60).padStart(2, "0");
    $("speaker-clock").textContent = text;
  }

  function startSpeakerView() {
    document.body.classList.add("speaker-view");
    $("speaker").hidden = false;
    try {  // a reloaded speaker view keeps its clock
      var saved = Number(sessionStorage.getItem("gdanim-clock"));
      if (saved) { clockStart = saved; } else { sessionStorage.setItem("gdanim-clock", String(clockStart)); }
    } catch (error) { /* storage may be off */ }
    $("speaker-clock").addEventListener("click", resetClock);
    function hello() {
      var audience = audienceWindow();
      if (audience) { audience.postMessage({ protocol: PROTOCOL, type: "hello" }, "*"); }
      if (Date.now() - heardAudience > 2500) { $("speaker-status").textContent = statusText(); }
      tick();
    }
    hello();
    setInterval(hello, 1000);
  }

  // ---- Overlays: the keys, the slide prompt.
  function toggleHelp(open) {
    var help = $("help");
    help.hidden = open === undefined ? !help.hidden : !open;
    $("keys-button").setAttribute("aria-expanded", help.hidden ? "false" : "true");
  }

  function showGoto() {
    $("goto").hidden = gotoDigits === null;
    $("goto-label").textContent = (words["goto"] || "") + ":";
    $("goto-number").textContent = gotoDigits === null ? "" : gotoDigits;
  }

  function gotoKey(key) {
    // G was pressed: digits, Backspace, Enter to jump, anything else cancels. True when the key was taken.
    if (/^[0-9]$/.test(key)) { gotoDigits += key; }
    else if (key === "Backspace") { gotoDigits = gotoDigits.slice(0, -1); }
    else if (key === "Enter") {
      var number = parseInt(gotoDigits, 10);
      gotoDigits = null;
      if (number) { run("goto", number); }
    } else { gotoDigits = null; }
    showGoto();
    return true;
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) {
      var asked = document.documentElement.requestFullscreen();
      if (asked && asked.catch) { asked.catch(function () {}); }
    }
  }

  var KEYS = {
    ArrowRight: "next", " ": "next", PageDown: "next", Enter: "next",
    ArrowLeft: "back", PageUp: "back", Backspace: "back", Home: "first", End: "last",
    k: "pause", K: "pause", r: "replay", R: "replay", b: "black", B: "black", ".": "black",
    c: "captions", C: "captions"
  };

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    if (event.repeat) { event.preventDefault(); return; }  // a held key is one press
    if (gotoDigits !== null) { gotoKey(key); }
    else if (key === "Escape") { toggleHelp(false); return; }
    else if (key === "Enter" && event.target.tagName === "BUTTON") { return; }
    else if (KEYS[key]) { run(KEYS[key]); }
    else if (key === "g" || key === "G") { gotoDigits = ""; showGoto(); }
    else if (key === "f" || key === "F") { toggleFullscreen(); }
    else if (key === "s" || key === "S") { openSpeakerView(); }
    else if (key === "?") { toggleHelp(); }
    else { return; }
    event.preventDefault();
  });

  $("stage").addEventListener("click", function () { run("click"); });
  $("next-button").addEventListener("click", function () { run("next"); });
  $("back-button").addEventListener("click", function () { run("back"); });
  $("speaker-button").addEventListener("click", openSpeakerView);
  $("keys-button").addEventListener("click", function () { toggleHelp(); });
  $("fullscreen-button").addEventListener("click", toggleFullscreen);
  $("help").addEventListener("click", function () { toggleHelp(false); });
  $("blackout").addEventListener("click", function () { run("black"); });

  // The bar hides in fullscreen; the cursor hides when the mouse is still.
  document.addEventListener("fullscreenchange", function () {
    document.body.classList.toggle("fullscreen", Boolean(document.fullscreenElement));
  });
  var stillTimer = null;
  document.addEventListener("mousemove", function () {
    document.body.classList.remove("still");
    clearTimeout(stillTimer);
    stillTimer = setTimeout(function () { document.body.classList.add("still"); }, 2000);
  });

  // #N in the address: opened there, kept there, followed when typed.
  function slideInAddress() {
    var number = parseInt(window.location.hash.slice(1), 10);
    return number >= 1 && number <= slides.length ? number - 1 : 0;
  }
  window.addEventListener("hashchange", function () {
    var index = slideInAddress();
    if (index !== current) { run("goto", index + 1); }
  });

  if (SPEAKER) { startSpeakerView(); }
  show(slideInAddress(), false);
  sendState();
})();
