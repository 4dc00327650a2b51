// The operator console's live queue and the countdowns of deadlines. The pages work without this file.
(function () {
  "use strict";

  // Live queue: new incidents arrive from /operator/events as rendered rows; each is put at the top.
  function liveQueue() {
    var queue = document.getElementById("queue");
    if (!queue || !window.EventSource) { return; }
    // Only the first page of the queue is live.
    if (/[?&]cursor=/.test(window.location.search)) { return; }
    var url = queue.getAttribute("data-events") + "/" + encodeURIComponent(queue.getAttribute("data-after") || "0");
    var live = document.getElementById("op-live");
    var fresh = 0;
    var es = new EventSource(url);
    es.addEventListener("incident", function (ev) {
      var tpl = document.createElement("template");
      tpl.innerHTML = ev.data.trim();
      var row = tpl.content.firstElementChild;
      if (!row || document.getElementById(row.id)) { return; }
      row.classList.add("op-fresh");
      queue.insertBefore(row, queue.firstChild);
      var empty = document.getElementById("queue-empty");
      if (empty) { empty.hidden = true; }
      fresh++;
      if (live) {
        live.hidden = false;
        live.textContent = (document.documentElement.lang === "en" ? "New incidents in the queue: " : "Новых обращений в очереди: ") + fresh;
      }
    });
  }

  // Countdowns: <time class="countdown" datetime="…"> says how long is left, updated every minute.
  function plural(n, lang, unit) {
    if (lang === "en") { return n + " " + { d: "d", h: "h", m: "min" }[unit]; }
    return n + " " + { d: "д", h: "ч", m: "мин" }[unit];
  }
  function words(ms, lang) {
    var over = ms < 0;
    var mins = Math.round(Math.abs(ms) / 60000);
    var d = Math.floor(mins / 1440), h = Math.floor((mins % 1440) / 60), m = mins % 60;
    var parts = [];
    if (d > 0) { parts.push(plural(d, lang, "d")); }
    if (h > 0) { parts.push(plural(h, lang, "h")); }
    if (d === 0 && (m > 0 || h === 0)) { parts.push(plural(m, lang, "m")); }
    if (lang === "en") { return (over ? "overdue by " : "") + parts.join(" ") + (over ? "" : " left"); }
    return (over ? "просрочено на " : "осталось ") + parts.join(" ");
  }
  function tick() {
    var els = document.querySelectorAll("time.countdown");
    for (var i = 0; i < els.length; i++) {
      var due = Date.parse(els[i].getAttribute("datetime"));
      if (isNaN(due)) { continue; }
      var left = due - Date.now();
      els[i].textContent = words(left, els[i].getAttribute("data-lang") || "ru");
      els[i].classList.toggle("overdue", left < 0);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    liveQueue();
    if (document.querySelector("time.countdown")) { setInterval(tick, 60000); }
  });
})();
