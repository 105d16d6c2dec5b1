// After a form is sent, focus what it changed: the note saying what happened
// ("Plank laid.", "Confirmed — Bob's plank is secured") or the form's error, so a
// screen reader announces it and a keyboard carries on from there.
(function () {
  var note = document.querySelector("[data-flash], main .alert");
  if (!note) return;
  if (!note.hasAttribute("tabindex")) note.setAttribute("tabindex", "-1");
  note.focus();
})();
