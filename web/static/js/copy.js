// Invite links: select the whole link on focus, and add a Copy button where the
// clipboard is available (without JavaScript the link can still be selected by hand).
document.querySelectorAll("[data-copy]").forEach(function (input) {
  input.addEventListener("focus", function () { input.select(); });
  if (!navigator.clipboard || !window.isSecureContext) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button small";
  button.textContent = "Copy link";
  button.setAttribute("aria-live", "polite");
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy link"; }, 2500);
    }, function () {
      input.focus();  // no permission: leave it selected for a manual copy
    });
  });
  input.after(button);
});
