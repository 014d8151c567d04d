// The pages' one script (served by the app; the CSP allows no inline script). Everything
// here is an addition: every page works without it.
//  - answers forms: autosave a moment after a change; the save state always in view ("Saved",
//    "Saving…", "Not saved: retrying", "Offline: …"); answers not sent yet are kept in memory
//    (the page's own form: never in localStorage, SECURITY.md V8.2.2) until the server has
//    them, sent again with backoff and at once when the browser is back online, and leaving
//    the page while some are unsent asks first; digits 0-4 answer the focused question;
//  - copy buttons for links shown once.
"use strict";

(function () {
  var RADIO_DELAY_MS = 300; // a choice is saved almost at once
  var TEXT_DELAY_MS = 1200; // typing is saved once it pauses
  var RETRY_MAX_MS = 30000;
  var STATES = {
    saved: "Saved",
    saving: "Saving…",
    retrying: "Not saved: retrying",
    offline: "Offline: your answers are kept and will be sent",
  };
  var CLEAR = "clear:";
  var unsent = 0; // answers forms with changes the server does not have yet

  function showProgress(kind, progress) {
    document.querySelectorAll('[data-progress="' + kind + '"]').forEach(function (block) {
      var bar = block.querySelector("progress");
      var text = block.querySelector("[data-progress-text]");
      var done = progress.questions - progress.unanswered;
      if (bar) { bar.max = progress.questions; bar.value = done; }
      if (text) {
        var shown = done + " of " + progress.questions + " (" + Math.round(progress.ratio * 100) + "%)";
        if (progress.not_applicable) shown += ", " + progress.not_applicable + " N/A";
        if (progress.unknown) shown += ", " + progress.unknown + " don't know";
        text.textContent = shown;
      }
    });
  }

  function timeNow() {
    var now = new Date();
    return String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }

  function setUpAnswers(form) {
    var pending = null; // the form's fields not yet saved, as they were when last changed
    var csrf = form.querySelector('input[type=hidden][name=csrf]');
    var status = form.querySelector("[data-autosave-status]");
    var timer = null;
    var retryTimer = null;
    var inFlight = null; // the save on its way, if any
    var changedSince = false; // a change came while a save was on its way
    var attempt = 0;
    var stopped = false; // the server refused for good: no more retries

    function setState(state, text) {
      if (!status) return;
      status.setAttribute("data-state", state);
      status.textContent = text || STATES[state];
    }

    function fields() {
      var out = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== "go" && name !== "csrf") out.push([name, value]);
      });
      return out;
    }

    function body(pairs, go) {
      var data = new URLSearchParams();
      if (csrf) data.append("csrf", csrf.value);
      pairs.forEach(function (pair) { data.append(pair[0], pair[1]); });
      data.append("go", go);
      return data;
    }

    function keep() {
      if (!pending) unsent += 1;
      pending = fields();
    }

    function sent() {
      if (pending) unsent -= 1;
      pending = null;
    }

    function retryLater() {
      if (stopped) return;
      if (navigator.onLine === false) { setState("offline"); return; } // "online" sends them
      setState("retrying");
      attempt += 1;
      clearTimeout(retryTimer);
      retryTimer = setTimeout(send, Math.min(RETRY_MAX_MS, 1000 * Math.pow(2, attempt)));
    }

    function send() {
      clearTimeout(timer); timer = null;
      clearTimeout(retryTimer); retryTimer = null;
      if (inFlight) { changedSince = true; return; }
      var kept = pending;
      if (!kept) { setState("saved"); return; }
      var request = {};
      inFlight = request;
      changedSince = false;
      stopped = false;
      setState("saving");
      fetch(form.action, {
        method: "POST",
        body: body(kept, "autosave"),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      }).then(function (response) {
        var type = response.headers.get("content-type") || "";
        if (response.status >= 500 || response.status === 429) throw new Error("server " + response.status);
        if (type.indexOf("application/json") === -1) {
          // A page, not the JSON of a save: the session ended, or the answers are read-only now.
          stopped = true;
          setState("problem", "Not saved: your session has ended or these answers can no longer " +
            "change. Copy what you typed before you reload the page.");
          return null;
        }
        return response.json().then(function (answer) {
          if (answer.saved) {
            attempt = 0;
            showProgress("overall", answer.progress);
            showProgress("section", answer.section);
            if (changedSince) { inFlight = null; send(); return; }
            sent();
            setState("saved", "Saved at " + timeNow());
          } else if (response.status === 409) {
            stopped = true;
            sent(); // can never be saved: the answers are frozen
            setState("problem", "Not saved: " + (answer.detail || "these answers can no longer change."));
          } else {
            stopped = true;
            setState("problem", "Not saved: " + (answer.detail || "a field needs attention.") +
              " Press Save to see where.");
          }
        });
      }).then(function () {
        if (inFlight === request) inFlight = null;
      }, function () {
        if (inFlight === request) inFlight = null;
        retryLater();
      });
    }

    function changed(delay) {
      keep();
      stopped = false;
      setState("saving");
      clearTimeout(timer);
      timer = setTimeout(send, delay);
    }

    function clearAnswer(questionId) {
      form.querySelectorAll('input[type=radio][name="value:' + questionId + '"]').forEach(function (radio) {
        radio.checked = false;
      });
      var first = form.querySelector('input[type=radio][name="value:' + questionId + '"]');
      if (first) first.focus();
      changed(0);
    }

    form.addEventListener("change", function (event) {
      var target = event.target;
      changed(target && target.type === "radio" ? RADIO_DELAY_MS : TEXT_DELAY_MS);
    });
    form.addEventListener("input", function (event) {
      if (event.target && event.target.tagName === "TEXTAREA") changed(TEXT_DELAY_MS);
    });
    // One Tab stop a question: its choices (a radio group). The help and the comment are
    // opened from the choices with H and C (or a click); Esc goes back to the choices.
    form.querySelectorAll(".more summary").forEach(function (summary) { summary.tabIndex = -1; });
    document.querySelectorAll("[data-key-hint]").forEach(function (hint) { hint.hidden = false; });
    form.querySelectorAll("[data-without-script]").forEach(function (hint) { hint.hidden = true; });

    function choicesOf(fieldset) {
      return fieldset.querySelector("input[type=radio]:checked") || fieldset.querySelector("input[type=radio]");
    }

    form.addEventListener("keydown", function (event) {
      var target = event.target;
      var fieldset = target && target.closest ? target.closest("fieldset[data-question]") : null;
      if (!fieldset || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "Escape" && target.type !== "radio") {
        var details = target.closest("details");
        if (details && details.classList.contains("more-help")) details.open = false;
        event.preventDefault();
        choicesOf(fieldset).focus();
        return;
      }
      if (target.type !== "radio") return;
      var key = event.key.toLowerCase();
      if (key === "c") {
        var note = fieldset.querySelector("details.more-note");
        event.preventDefault();
        note.open = true;
        note.querySelector("textarea").focus();
      } else if (key === "h") {
        var help = fieldset.querySelector("details.more-help");
        event.preventDefault();
        help.open = true;
        help.querySelector("summary").focus();
      } else if (/^[0-9]$/.test(key)) {
        // A digit answers the focused question with that value of the scale.
        var choice = fieldset.querySelector('input[type=radio][value="' + key + '"]');
        if (!choice) return;
        event.preventDefault();
        choice.checked = true;
        choice.focus();
        choice.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    window.addEventListener("online", function () { if (pending) send(); });
    window.addEventListener("offline", function () {
      if (pending && !inFlight) setState("offline");
    });

    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var go = submitter && submitter.name === "go" ? submitter.value : "stay";
      event.preventDefault();
      if (go.indexOf(CLEAR) === 0) { clearAnswer(go.slice(CLEAR.length)); return; }
      clearTimeout(timer); timer = null;
      keep();
      setState("saving");
      fetch(form.action, {
        method: "POST",
        body: body(fields(), go),
        credentials: "same-origin",
      }).then(function (response) {
        if (response.redirected) {
          sent();
          window.location.assign(response.url);
          return null;
        }
        if (response.status >= 500 || response.status === 429) throw new Error("server " + response.status);
        return response.text().then(function (html) {
          // The page with the errors next to their fields: shown in place of this one.
          var next = new DOMParser().parseFromString(html, "text/html");
          var main = next.querySelector("main");
          if (!main) { setState("problem", "Not saved: the server answered unexpectedly; press Save again."); return; }
          sent(); // the answered page shows the form as typed, with what to fix
          document.title = next.title;
          document.querySelector("main").replaceWith(main);
          init(main);
          var summary = main.querySelector("#error-summary");
          (summary || main).focus();
        });
      }).catch(function () {
        retryLater();
      });
    });

  }

  function focusTarget() {
    // A link to one question (`#q-<id>`, from the review): its choices take the focus.
    var id = window.location.hash.slice(1);
    if (id.indexOf("q-") !== 0) return;
    var fieldset = document.getElementById(id);
    if (!fieldset || !fieldset.contains(document.activeElement) && document.activeElement !== document.body && document.activeElement !== fieldset) return;
    var radio = fieldset.querySelector("input[type=radio]:checked") || fieldset.querySelector("input[type=radio]");
    if (radio) radio.focus({ preventScroll: true });
  }

  function setUpCopy(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { button.textContent = "Copied"; };
      target.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(target.value).then(done, function () {
          button.textContent = "Press Ctrl+C to copy";
        });
      } else {
        button.textContent = "Press Ctrl+C to copy";
      }
    });
  }

  function init(root) {
    root.querySelectorAll("form[data-autosave]").forEach(setUpAnswers);
    root.querySelectorAll("button[data-copy]").forEach(setUpCopy);
  }

  window.addEventListener("beforeunload", function (event) {
    // Answers the server does not have yet would be lost with the page: the browser asks.
    if (unsent > 0) { event.preventDefault(); event.returnValue = ""; }
  });

  init(document);
  focusTarget();
  window.addEventListener("load", focusTarget); // after the browser's own move to the fragment
  window.addEventListener("hashchange", focusTarget);
})();
