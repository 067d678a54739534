// Keyboard: "/" focuses the search box, as on most search sites.
(function () {
  "use strict";
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
    var box = document.querySelector(".searchbox input[name=q]");
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
  window.archiveTyping = typing;
})();
