// Copy buttons for the share link and the republish HTML. Without this file the text is still
// there to select by hand; the buttons stay hidden.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll(".js-copy").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.value).then(function () {
        button.textContent = "\u2713 " + label;
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function () { target.select(); });
    });
  });
})();
