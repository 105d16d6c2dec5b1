// Invite links: select the whole link on focus, so one tap copies it.
document.querySelectorAll("[data-copy]").forEach(function (input) {
  input.addEventListener("focus", function () { input.select(); });
});
