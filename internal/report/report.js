// Filters for report.html. The page is complete without this script: the
// filter form stays hidden and every requirement and scenario is shown.
// The page's Content-Security-Policy allows only this script, by its hash.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) {
    return;
  }
  var verdict = document.getElementById("filter-verdict");
  var area = document.getElementById("filter-area");
  var shown = document.getElementById("filter-shown");

  function matches(el) {
    var v = verdict.value;
    var a = area.value;
    var okVerdict = v === "" || el.getAttribute("data-verdict") === v;
    var areas = (el.getAttribute("data-areas") || "").split(" ");
    var okArea = a === "" || areas.indexOf(a) >= 0;
    return okVerdict && okArea;
  }

  function apply() {
    var n = 0;
    document.querySelectorAll("[data-verdict]").forEach(function (el) {
      el.hidden = !matches(el);
      if (!el.hidden && el.classList.contains("scenario")) {
        n++;
      }
    });
    document.querySelectorAll("section.area").forEach(function (sec) {
      sec.hidden = sec.querySelector(".scenario:not([hidden])") === null;
    });
    shown.textContent = n + " scenario(s) shown";
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
  });
  verdict.addEventListener("change", apply);
  area.addEventListener("change", apply);
  form.hidden = false;
  apply();
})();
