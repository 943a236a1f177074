// Taking an attempt: server-corrected countdown, debounced autosave with a retrying journal in localStorage,
// live "interpreted as" preview, and a results page that updates itself when grading finishes.
// Navigation (Enter, "Save and next", the question list) goes through the journal, so it never leaves the
// exam for the browser's error page while offline. Every form on these pages also works without this script.
(function () {
  "use strict";

  var SAVE_DELAY_MS = 600;
  var PREVIEW_DELAY_MS = 250;
  var MAX_RETRY_MS = 30000;

  // --- Server time ---------------------------------------------------------------------------------------
  var timingNode = document.getElementById("attempt-timing");
  var timing = timingNode ? JSON.parse(timingNode.textContent) : null;
  var clockOffset = timing ? Date.parse(timing.server_now) - Date.now() : 0;

  function serverNow() {
    return Date.now() + clockOffset;
  }

  // Every save and status response carries the server's time and the deadline: the countdown follows
  // both, so a wrong client clock or a deadline changed on the server (an accommodation) shows at once.
  var deadline = null;

  function correctClock(payload) {
    if (payload && payload.server_now) {
      clockOffset = Date.parse(payload.server_now) - Date.now();
    }
    if (payload && payload.deadline) {
      deadline = Date.parse(payload.deadline);
    }
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- Countdown -----------------------------------------------------------------------------------------
  var timer = document.getElementById("timer");
  var statusUrl = (document.getElementById("answer-form") || document.getElementById("grading-progress") || {}).dataset;
  statusUrl = statusUrl ? statusUrl.statusUrl : null;

  function formatSeconds(total) {
    var seconds = Math.max(0, Math.floor(total));
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    var mm = (hours ? String(minutes).padStart(2, "0") : String(minutes));
    return (hours ? hours + ":" : "") + mm + ":" + String(rest).padStart(2, "0");
  }

  function waitForFinalization() {
    // The server finalizes the attempt once the deadline and the grace period have passed.
    if (!statusUrl) return;
    fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (payload) {
        correctClock(payload);
        if (payload.status !== "open") {
          window.location.href = statusUrl.replace(/status$/, "result/");
        } else {
          window.setTimeout(waitForFinalization, 2000);
        }
      })
      .catch(function () { window.setTimeout(waitForFinalization, 4000); });
  }

  if (timer && timer.dataset.deadline) {
    deadline = Date.parse(timer.dataset.deadline);
    var finished = false;
    var timerLabel = timer.parentElement.querySelector(".timer-label");
    var tick = function () {
      var remaining = (deadline - serverNow()) / 1000;
      timer.textContent = remaining > 0 ? formatSeconds(remaining) : "Time is up";
      // "Time is up" stands alone: no "Time left" label before it, for the eye or a screen reader.
      if (timerLabel && remaining <= 0) timerLabel.remove();
      timer.parentElement.classList.toggle("timer-low", remaining < 60);
      if (remaining <= 0 && !finished) {
        finished = true;
        flushJournal();
        var grace = timing && timing.grace_seconds;
        setState(
          "Time is up. Answers made before the deadline are still accepted" +
            (grace ? " for up to " + grace + " seconds" : "") +
            " while they reach the server; then your answers are submitted and your result opens.",
          "is-saving"
        );
        waitForFinalization();
      }
    };
    tick();
    window.setInterval(tick, 1000);

    // An admin may extend the time (or void the attempt) while the learner reads: ask the server now and
    // then, so the countdown shows a new deadline without waiting for the next save.
    var pollSeconds = timing && timing.poll_seconds ? timing.poll_seconds : 0;
    var pollStatus = function () {
      if (finished) return;
      fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (payload) {
          correctClock(payload);
          if (payload.status && payload.status !== "open") {
            window.location.href = statusUrl.replace(/status$/, "result/");
          }
        })
        .catch(function () { /* offline: the next poll or save corrects the clock */ })
        .then(function () { window.setTimeout(pollStatus, pollSeconds * 1000); });
    };
    if (statusUrl && pollSeconds) window.setTimeout(pollStatus, pollSeconds * 1000);
  }

  // --- Autosave with a journal -----------------------------------------------------------------------------
  var form = document.getElementById("answer-form");
  var submitForm = document.getElementById("submit-form");
  // Journal keys are "dxam:<learner>:<attempt>:<position>": a page sends only its own learner's own attempt's
  // entries, never those another account or attempt left on this device.
  var journalPrefix = ((form || submitForm || { dataset: {} }).dataset.journalPrefix) || null;
  var loginUrl = ((form || submitForm || { dataset: {} }).dataset.loginUrl) || "/accounts/login/";
  var pendingHref = null; // where "Save and next" or the question list goes once the answer is saved
  var submitting = false;
  var stateNode = document.getElementById("save-state");
  var retryDelay = 2000;
  var retryTimer = null;

  function setState(text, cls, link) {
    if (!stateNode) return;
    stateNode.textContent = text;
    if (link) {
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      stateNode.appendChild(document.createTextNode(" "));
      stateNode.appendChild(anchor);
    }
    stateNode.className = "save-state " + (cls || "");
  }

  var OFFLINE_MESSAGE = "Offline — your answer is kept on this device and will be saved when the connection returns.";
  var SIGNED_OUT_MESSAGE = "You are signed out — sign in again to save; your answers are kept on this device.";

  function signInLink() {
    // Signing in brings the learner back to this very page, where the journal is sent.
    var here = window.location.pathname + window.location.search;
    return { href: loginUrl + "?next=" + encodeURIComponent(here), text: "Sign in again" };
  }

  function journalEntries() {
    var entries = [];
    if (!journalPrefix) return entries;
    for (var i = 0; i < window.localStorage.length; i++) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf(journalPrefix) === 0) {
        try {
          entries.push({ key: key, entry: JSON.parse(window.localStorage.getItem(key)) });
        } catch (error) {
          window.localStorage.removeItem(key);
        }
      }
    }
    return entries;
  }

  function currentAnswer() {
    if (form.dataset.kind === "single_choice" || form.dataset.kind === "multiple_choice") {
      return Array.prototype.map.call(form.querySelectorAll("input[name=option]:checked"), function (input) {
        return input.value;
      });
    }
    var field = form.querySelector("[name=answer]");
    return field ? field.value : "";
  }

  function send(key, entry) {
    return fetch(entry.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: JSON.stringify({ answer: entry.answer, saved_at: entry.saved_at }),
    }).then(function (response) {
      if (response.status >= 500) throw new Error("server error " + response.status);
      // An expired session answers with the sign-in page (a redirect followed to HTML), 401, 403 or 404:
      // the answer stays in the journal until the learner has signed in again.
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json || response.status === 401 || response.status === 403 || response.status === 404) {
        throw { signedOut: true };
      }
      return response.json().then(function (payload) {
        correctClock(payload);
        var stored = window.localStorage.getItem(key);
        // Only forget the entry if no newer change was journaled while this one was in flight.
        if (stored && JSON.parse(stored).saved_at === entry.saved_at) window.localStorage.removeItem(key);
        // "saved": false without an error: a newer answer is already stored, so this one is superseded.
        if (!payload.saved && payload.error) throw { refused: payload.error };
        return payload;
      });
    });
  }

  function flushJournal() {
    var entries = journalEntries();
    if (!entries.length) {
      if (pendingHref && navigator.onLine !== false) window.location.href = pendingHref;
      else if (pendingHref) setState(OFFLINE_MESSAGE + " The next page opens then.", "is-offline");
      return Promise.resolve();
    }
    // Retries keep the offline message rather than flickering "Saving…", which would move the page.
    if (!stateNode || stateNode.className.indexOf("is-offline") === -1) setState("Saving…", "is-saving");
    return Promise.all(entries.map(function (item) { return send(item.key, item.entry); }))
      .then(function () {
        retryDelay = 2000;
        if (submitForm) {
          // The review page: submit now that every answer is in, or show the lists again with them.
          if (submitting) submitForm.submit();
          else window.location.reload();
          return;
        }
        // A change to this question made while these were in flight is still journaled: its own save
        // reports "Saved" when it lands, so the page never claims an answer is saved before it is.
        if (form && window.localStorage.getItem(form.dataset.journalKey)) return;
        if (pendingHref) {
          window.location.href = pendingHref;
          return;
        }
        setState("Saved", "is-saved");
        markAnswered();
      })
      .catch(function (error) {
        if (error && error.refused) {
          pendingHref = null;
          setState(error.refused, "is-offline");
          return;
        }
        if (error && error.signedOut) {
          setState(SIGNED_OUT_MESSAGE, "is-offline", signInLink());
        } else {
          setState(pendingHref ? OFFLINE_MESSAGE + " The next page opens then." : OFFLINE_MESSAGE, "is-offline");
        }
        window.clearTimeout(retryTimer);
        retryTimer = window.setTimeout(flushJournal, retryDelay);
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
      });
  }

  function markAnswered() {
    var position = form && form.dataset.journalKey.split(":").pop();
    var link = document.querySelector('.qnav[data-position="' + position + '"]');
    if (!link) return;
    var answered = currentAnswer().length > 0;
    link.classList.toggle("qnav-answered", answered);
    // Keep what a screen reader announces in step with what the colours show.
    link.setAttribute(
      "aria-label",
      "Question " + position + ", " + (answered ? "answered" : "unanswered") +
        (link.classList.contains("qnav-flagged") ? ", flagged" : "")
    );
  }

  var saveTimer = null;
  var lastAnswer = null; // the answer this page last journaled, as JSON
  function journalAnswer() {
    var answer = currentAnswer();
    // A text box fires "change" as it loses focus, after "input" has journaled the same text: there is
    // nothing new to save, and announcing "Saving…" again would shift the page under a click on a link.
    if (JSON.stringify(answer) === lastAnswer) return false;
    lastAnswer = JSON.stringify(answer);
    window.localStorage.setItem(
      form.dataset.journalKey,
      JSON.stringify({ url: form.dataset.saveUrl, answer: answer, saved_at: new Date(serverNow()).toISOString() })
    );
    return true;
  }

  function scheduleSave() {
    if (!journalAnswer()) return;
    setState("Saving…", "is-saving");
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(flushJournal, SAVE_DELAY_MS);
  }

  // Leave the question for `href` once every journaled answer is on the server: at once when online, or
  // as soon as the connection returns (the page says so meanwhile) — never to the browser's error page.
  function saveThenGo(href) {
    journalAnswer();
    window.clearTimeout(saveTimer);
    pendingHref = href;
    flushJournal();
  }

  function saveAndNext() {
    var next = document.getElementById("save-next");
    if (next) saveThenGo(next.dataset.href);
  }

  function renderedAnswer() {
    // The answer as the server rendered it into the page, whatever has been changed since.
    if (form.dataset.kind === "single_choice" || form.dataset.kind === "multiple_choice") {
      return Array.prototype.filter.call(form.querySelectorAll("input[name=option]"), function (input) {
        return input.defaultChecked;
      }).map(function (input) { return input.value; });
    }
    var field = form.querySelector("[name=answer]");
    return field ? field.defaultValue : "";
  }

  function restoreFromJournal() {
    var stored = window.localStorage.getItem(form.dataset.journalKey);
    if (!stored) return false;
    var entry = JSON.parse(stored);
    if (Array.isArray(entry.answer)) {
      form.querySelectorAll("input[name=option]").forEach(function (input) {
        input.checked = entry.answer.indexOf(input.value) !== -1;
      });
    } else {
      var field = form.querySelector("[name=answer]");
      if (field) field.value = entry.answer;
    }
    return true;
  }

  if (form) {
    // An answer given before this script ran (the page still loading on a slow connection) fired no
    // event this script heard: journal it now, or it would be lost when the learner moves on.
    if (!restoreFromJournal() && JSON.stringify(currentAnswer()) !== JSON.stringify(renderedAnswer())) {
      scheduleSave();
    }
    lastAnswer = JSON.stringify(currentAnswer());
    form.addEventListener("input", scheduleSave);
    form.addEventListener("change", scheduleSave);
    // Enter in an answer saves it and goes on (Ctrl+Enter in a matrix box, where Enter starts a row).
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key !== "Enter" || event.isComposing || target.tagName === "BUTTON") return;
      if (target.tagName === "TEXTAREA" && !(event.ctrlKey || event.metaKey)) return;
      if (target.tagName !== "INPUT" && target.tagName !== "TEXTAREA") return;
      event.preventDefault();
      saveAndNext();
    });
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && button.dataset.href) {
        event.preventDefault();
        saveThenGo(button.dataset.href);
      } else if (navigator.onLine === false) {
        // A practice check or hint needs the server: stay on the page rather than show an error page.
        event.preventDefault();
        journalAnswer();
        setState(OFFLINE_MESSAGE + " Checking needs the connection.", "is-offline");
      }
    });
    document.querySelectorAll(".qnav").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        saveThenGo(link.href);
      });
    });
    window.addEventListener("online", flushJournal);
    window.addEventListener("pagehide", flushJournal);
    flushJournal();
  }

  // --- Review and submit: answers still in the journal (a save cut off by leaving a question) reach the
  // server before the lists are read or the attempt is submitted.
  if (submitForm) {
    flushJournal();
    submitForm.addEventListener("submit", function (event) {
      if (!journalEntries().length) return;
      event.preventDefault();
      submitting = true;
      flushJournal();
    });
  }

  // --- Phone: the question list starts collapsed behind its summary, so the answer is on the first screen.
  var questionList = document.getElementById("question-list");
  if (questionList && window.matchMedia("(max-width: 959px)").matches) questionList.open = false;

  // --- Live preview --------------------------------------------------------------------------------------
  var previewBox = document.getElementById("preview");
  var answerField = form && form.querySelector("[name=answer]");
  var previewTimer = null;
  var previewSerial = 0;
  // Readings already fetched for this question, by text: typing back to an earlier text (a deleted
  // character retyped) asks the server nothing, and a pause on an unchanged text sends nothing.
  var previews = {};
  var lastPreviewed = null;

  function showPreview(payload) {
    var math = document.getElementById("preview-math");
    var shape = document.getElementById("preview-shape");
    var error = document.getElementById("preview-error");
    previewBox.hidden = !(payload.ok || payload.error);
    math.textContent = "";
    shape.textContent = payload.ok && payload.shape ? "(" + payload.shape + ")" : "";
    error.textContent = payload.ok ? "" : payload.error;
    document.querySelector(".preview-label").hidden = !payload.ok;
    if (payload.ok && payload.latex) {
      if (window.katex) {
        window.katex.render(payload.latex, math, { output: "htmlAndMathml", throwOnError: false });
      } else {
        math.textContent = payload.latex;
      }
    }
  }

  function requestPreview() {
    var text = answerField.value;
    if (text === lastPreviewed) return;
    lastPreviewed = text;
    var serial = ++previewSerial;
    if (Object.prototype.hasOwnProperty.call(previews, text)) {
      showPreview(previews[text]);
      return;
    }
    var body = new URLSearchParams({ answer: text });
    fetch(form.dataset.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: body,
    })
      .then(function (response) { return response.json(); })
      .then(function (payload) {
        previews[text] = payload;
        if (serial === previewSerial) showPreview(payload);
      })
      .catch(function () { lastPreviewed = null; /* a convenience: saving reports connection problems */ });
  }

  if (previewBox && answerField) {
    answerField.addEventListener("input", function () {
      window.clearTimeout(previewTimer);
      previewTimer = window.setTimeout(requestPreview, PREVIEW_DELAY_MS);
    });
    if (answerField.value) requestPreview();
  }

  // --- Results page: wait for grading --------------------------------------------------------------------
  // Grading takes a fraction of a second: ask the cheap status endpoint soon, then at most a second apart
  // while grading should be done (so the score shows within about a second of it), and reload once it is.
  // If grading is held up (no worker), less and less often, at most every 5 s: a class waiting for a
  // stopped worker must not hammer the site.
  var RESULT_FIRST_POLL_MS = 500;
  var RESULT_PROMPT_POLL_MS = 1000;
  var RESULT_PROMPT_FOR_MS = 20000;
  var RESULT_MAX_POLL_MS = 5000;
  var progress = document.getElementById("grading-progress");
  if (progress) {
    var waitingSince = Date.now();
    var pollDelay = RESULT_FIRST_POLL_MS;
    var pollAgain = function (factor) {
      var prompt = Date.now() - waitingSince < RESULT_PROMPT_FOR_MS;
      pollDelay = Math.min(pollDelay * factor, prompt ? RESULT_PROMPT_POLL_MS : RESULT_MAX_POLL_MS);
      window.setTimeout(poll, pollDelay);
    };
    var poll = function () {
      fetch(progress.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (payload) {
          if (payload.status !== "submitted") window.location.reload();
          else pollAgain(1.5);
        })
        .catch(function () { pollAgain(2); });
    };
    window.setTimeout(poll, pollDelay);
  }
})();
