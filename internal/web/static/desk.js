// Executor desk: deadlines count down, and the answer editor grades the text as the official types.
(function () {
  "use strict";

  function words(ms, lang) {
    var over = ms < 0, d = Math.round(Math.abs(ms) / 60000);
    var days = Math.floor(d / 1440), hours = Math.floor((d % 1440) / 60), mins = d % 60;
    var u = lang === "en" ? [" d", " h", " min"] : [" д", " ч", " мин"];
    var parts = [];
    if (days > 0) parts.push(days + u[0]);
    if (hours > 0) parts.push(hours + u[1]);
    if (days === 0 && (mins > 0 || hours === 0)) parts.push(mins + u[2]);
    var s = parts.join(" ");
    if (lang === "en") return over ? "overdue by " + s : s + " left";
    return over ? "просрочено на " + s : "осталось " + s;
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.desk-countdown[datetime]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("datetime")) - now;
      if (isNaN(left)) return;
      el.textContent = words(left, el.getAttribute("data-lang"));
      el.classList.toggle("overdue", left < 0);
    });
  }
  if (document.querySelector("time.desk-countdown")) setInterval(tick, 30000);

  // app.js disables a form's buttons as it submits, so the pressed button's name and value would be lost:
  // carry them in a hidden field instead (save draft or send for review).
  document.addEventListener("click", function (e) {
    var btn = e.target instanceof Element ? e.target.closest("button[name]") : null;
    if (!btn || !btn.form || !btn.form.classList.contains("desk-form")) return;
    var hidden = btn.form.querySelector("input[type=hidden][data-submitter]");
    if (!hidden) {
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.setAttribute("data-submitter", "");
      btn.form.appendChild(hidden);
    }
    hidden.name = btn.name;
    hidden.value = btn.value;
  });

  var form = document.getElementById("answer-form");
  if (!form) return;
  var text = document.getElementById("answer-text");
  var timer = null, seq = 0;

  function kind() {
    var k = form.querySelector("input[name=kind]:checked");
    return k ? k.value : "final";
  }
  function kept() {
    return Array.prototype.map.call(form.querySelectorAll("input[name=keep]:checked"), function (el) { return el.value; });
  }
  function fillReasons(id, reasons) {
    var ul = document.getElementById("reasons-" + id);
    if (!ul) return;
    while (ul.firstChild) ul.removeChild(ul.firstChild);
    (reasons || []).forEach(function (r) {
      var li = document.createElement("li");
      li.textContent = r.text;
      ul.appendChild(li);
    });
  }
  function show(g) {
    (g.grades || []).forEach(function (gr) {
      var el = document.getElementById("grade-" + gr.id);
      if (el) el.textContent = gr.value;
      fillReasons(gr.id, gr.reasons);
    });
    var f = document.getElementById("grade-formal");
    if (f) {
      f.textContent = g.formal_label;
      f.classList.toggle("formal", !!g.formal);
    }
    fillReasons("formal", g.formal_reasons);
    var empty = document.getElementById("grades-empty");
    if (empty) empty.hidden = true;
  }
  function grade() {
    if (!text.value.trim()) return;
    var mine = ++seq;
    fetch("/desk/grade", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": form.getAttribute("data-csrf") },
      body: JSON.stringify({ incident: form.getAttribute("data-incident"), kind: kind(), text: text.value, attachments: kept() })
    }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (g) {
      if (g && mine === seq) show(g);
    }).catch(function () { /* grading is a help; the saved draft is graded on the server anyway */ });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(grade, 400);
  }
  text.addEventListener("input", later);
  form.addEventListener("change", later);
})();
