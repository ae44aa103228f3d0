// What would otherwise be inline handlers or htmx expressions: the Content-Security-Policy runs no inline
// script and no eval (settings.py).
//   <select data-submit-on-change>            submits its form;
//   <select data-query-on-change="kind">      reloads the page with ?kind=<its value>;
//   <details data-open-into="json_open">      keeps its open state in the hidden field of that name;
//   <x data-refresh-on-form-change="a b">     gets a "form-changed" event (for hx-trigger) when any field of
//                                             its form changes, except itself and the fields named.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change") && field.form) {
    field.form.submit();
    return;
  }
  if (field instanceof HTMLSelectElement && field.dataset.queryOnChange) {
    location.search = "?" + field.dataset.queryOnChange + "=" + encodeURIComponent(field.value);
    return;
  }
  var form = field.form;
  if (!form) return;
  form.querySelectorAll("[data-refresh-on-form-change]").forEach(function (listener) {
    var ignored = listener.getAttribute("data-refresh-on-form-change").split(" ");
    if (listener !== field && ignored.indexOf(field.name) < 0) {
      listener.dispatchEvent(new Event("form-changed"));
    }
  });
});

// "toggle" does not bubble: listen in the capture phase.
document.addEventListener("toggle", function (event) {
  var details = event.target;
  if (!(details instanceof HTMLDetailsElement) || !details.dataset.openInto) return;
  var field = details.querySelector("[name='" + details.dataset.openInto + "']");
  if (field) field.value = details.open ? "1" : "";
}, true);
