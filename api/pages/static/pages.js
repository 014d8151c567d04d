// The pages' one script (served by the app; the CSP allows no inline script). Everything
// here is an addition: every page works without it.
//  - answers forms: autosave a moment after a change, a live progress bar, and a save that
//    keeps the form as typed, with a clear message, when the network drops;
//  - copy buttons for links shown once.
"use strict";

(function () {
  var AUTOSAVE_DELAY_MS = 1500;

  function formBody(form, go) {
    var data = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name !== "go") data.append(name, value);
    });
    data.append("go", go);
    return data;
  }

  function setStatus(form, text, problem) {
    var status = form.querySelector("[data-autosave-status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("problem", Boolean(problem));
  }

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

  var DROPPED = "Not saved: the connection to the server dropped. Everything you typed is still " +
    "on this page; it will be saved when the connection returns, or press Save again.";

  function setUpAnswers(form) {
    var timer = null;
    var pending = false;

    function autosave() {
      timer = null;
      pending = false;
      setStatus(form, "Saving…", false);
      fetch(form.action, {
        method: "POST",
        body: formBody(form, "autosave"),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      }).then(function (response) {
        var type = response.headers.get("content-type") || "";
        if (type.indexOf("application/json") === -1) {
          setStatus(form, "Not saved automatically: these answers can no longer change here. " +
            "Reload the page to see why.", true);
          return null;
        }
        return response.json().then(function (body) {
          if (body.saved) {
            showProgress("overall", body.progress);
            showProgress("section", body.section);
            setStatus(form, "Saved automatically at " + timeNow() + ".", false);
          } else {
            setStatus(form, "Not saved automatically: " + (body.detail || "a field needs attention") +
              " Press Save to see where.", true);
          }
        });
      }).catch(function () {
        pending = true;
        setStatus(form, DROPPED, true);
      });
    }

    function schedule() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(autosave, AUTOSAVE_DELAY_MS);
    }

    form.addEventListener("change", schedule);
    form.addEventListener("input", function (event) {
      if (event.target && event.target.tagName === "TEXTAREA") schedule();
    });
    window.addEventListener("online", function () { if (pending) autosave(); });

    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var go = submitter && submitter.name === "go" ? submitter.value : "stay";
      event.preventDefault();
      if (timer) { clearTimeout(timer); timer = null; }
      setStatus(form, "Saving…", false);
      fetch(form.action, {
        method: "POST",
        body: formBody(form, go),
        credentials: "same-origin",
      }).then(function (response) {
        if (response.redirected) {
          window.location.assign(response.url);
          return null;
        }
        return response.text().then(function (html) {
          // The page with the errors next to their fields: shown in place of this one.
          var next = new DOMParser().parseFromString(html, "text/html");
          var main = next.querySelector("main");
          if (!main) { setStatus(form, "The server answered unexpectedly; press Save again.", true); return; }
          document.title = next.title;
          document.querySelector("main").replaceWith(main);
          init(main);
          var summary = main.querySelector("#error-summary");
          (summary || main).focus();
        });
      }).catch(function () {
        pending = true;
        setStatus(form, DROPPED, true);
      });
    });
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

  init(document);
})();
