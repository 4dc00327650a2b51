// Otklik: progressive enhancement only. Every page works without this file.
(function () {
  "use strict";

  // A form submits once: its submit buttons are disabled while the request is on its way.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.submitted === "1") {
      if (form.dataset && form.dataset.submitted === "1") e.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    // Disabled buttons are not sent: keep the pressed one's name and value in a hidden field.
    var pressed = e.submitter;
    if (pressed && pressed.name && !form.querySelector("input[type=hidden][data-submitter]")) {
      var keep = document.createElement("input");
      keep.type = "hidden";
      keep.name = pressed.name;
      keep.value = pressed.value;
      keep.dataset.submitter = "1";
      form.appendChild(keep);
    }
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });

  // Text areas with data-max show how many characters are left.
  document.querySelectorAll("textarea[data-max]").forEach(function (ta) {
    var max = parseInt(ta.dataset.max, 10);
    var out = document.getElementById(ta.id + "-counter");
    if (!out || !max) return;
    var update = function () { out.textContent = String(max - ta.value.length); };
    ta.addEventListener("input", update);
    update();
  });

  // Photo inputs refuse more files than allowed before the form is sent.
  document.querySelectorAll("input[type=file][data-max-files]").forEach(function (inp) {
    var max = parseInt(inp.dataset.maxFiles, 10);
    inp.addEventListener("change", function () {
      inp.setCustomValidity(inp.files.length > max ? (inp.dataset.tooMany || "") : "");
      inp.reportValidity();
    });
  });

  // A button with data-copy copies the text of the element it names.
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var el = document.getElementById(b.dataset.copy);
      if (el && navigator.clipboard) {
        navigator.clipboard.writeText(el.textContent.trim()).then(function () {
          b.textContent = b.dataset.done || b.textContent;
        });
      }
    });
  });
})();
