// After htmx replaced the page (a boosted link or form), move the focus to the new page's
// content, as a full page load would, so a screen reader and the keyboard start there.
document.addEventListener("htmx:afterSettle", function (event) {
  if (!event.detail.boosted) {
    return;
  }
  var alert = document.querySelector("#refusal, #checked, [role=alert]");
  var target = alert || document.getElementById("main");
  if (target) {
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }
});
