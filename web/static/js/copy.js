// Invite links: select the whole link on focus; offer the phone's share sheet
// (Web Share API) where there is one, and a Copy button where the clipboard is
// available. Without JavaScript the link can still be selected by hand.
document.querySelectorAll("[data-copy]").forEach(function (input) {
  input.addEventListener("focus", function () { input.select(); });
  var shared = { title: "Bridgework", text: input.getAttribute("data-share-text") || "", url: input.value };
  if (navigator.share && (!navigator.canShare || navigator.canShare(shared))) {
    var share = document.createElement("button");
    share.type = "button";
    share.className = "button small primary";
    share.textContent = "Share link";
    share.addEventListener("click", function () {
      navigator.share(shared).catch(function () {});  // closed the sheet: nothing to do
    });
    input.after(share);
  }
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
