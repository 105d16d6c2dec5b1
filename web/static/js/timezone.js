// Pre-select the browser's own time zone on sign-up; the person can still change it.
(function () {
  var select = document.querySelector("[data-detect-time-zone]");
  if (!select || !window.Intl) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || select.value !== "UTC") return;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) { select.value = zone; return; }
  }
})();
