/* Page behaviour that must not live inline (the Content Security Policy forbids inline scripts). */
(function () {
  "use strict";
  document.body.addEventListener("htmx:configRequest", function (e) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { e.detail.headers["X-CSRFToken"] = token.value; }
  });
  document.body.addEventListener("versionChanged", function (e) {
    var field = document.querySelector("input[name=version]");
    if (field) { field.value = e.detail.value; }
  });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
