// "/" focuses the search box, as on most search sites.
document.addEventListener("keydown", function (e) {
  var box = document.querySelector(".searchbox input");
  if (e.key === "/" && box && document.activeElement !== box) { e.preventDefault(); box.focus(); }
});
