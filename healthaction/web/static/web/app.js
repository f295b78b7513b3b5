/* Page behaviour that must not live inline (the Content Security Policy forbids inline scripts). */
(function () {
  "use strict";
  document.body.addEventListener("htmx:configRequest", function (e) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { e.detail.headers["X-CSRFToken"] = token.value; }
  });
  // htmx leaves 4xx/5xx answers unshown; a target marked data-swap-errors shows them (autosave's "not saved"):
  // a one-line text/plain answer as it is, any other (an error page) as the attribute's own message
  document.body.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target;
    if (!target || !target.hasAttribute("data-swap-errors")) { return; }
    var failed = e.detail.xhr.status >= 400;
    if (failed) {
      var type = e.detail.xhr.getResponseHeader("Content-Type") || "";
      e.detail.isError = false;
      if (type.indexOf("text/plain") === 0) {
        e.detail.shouldSwap = true;
      } else {
        e.detail.shouldSwap = false;
        target.textContent = target.getAttribute("data-swap-errors");
      }
    }
    target.classList.toggle("error", failed);
  });
  document.body.addEventListener("versionChanged", function (e) {
    var field = document.querySelector("input[name=version]");
    if (field) { field.value = e.detail.value; }
  });
  // a visit's running total while the inspector types the points of each item
  var visitForm = document.getElementById("visit-form");
  var total = document.getElementById("total");
  if (visitForm && total) {
    visitForm.addEventListener("input", function () {
      var sum = 0;
      visitForm.querySelectorAll("input[data-max]").forEach(function (field) {
        var v = parseFloat(field.value);
        if (!isNaN(v)) { sum += v; }
      });
      total.textContent = String(Math.round(sum * 100) / 100);
    });
  }
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
