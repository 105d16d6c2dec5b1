// After a form is sent, focus what it changed, so a screen reader announces it and
// the page scrolls to it: the note saying what happened ("Plank laid.",
// "Confirmed — Bob's plank is secured"), else the first field with an error (its
// label and message are read with it), else the form's error at the top.
(function () {
  var target = document.querySelector("[data-flash]") ||
    document.querySelector("main [aria-invalid=true]") ||
    document.querySelector("main .alert");
  if (!target) return;
  if (!target.matches("input, select, textarea, button") && !target.hasAttribute("tabindex")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus();
})();
