// The report page: step through the query's matches (buttons, keys n / p), mark the
// passage a link points at, and copy a link to any paragraph.
(function () {
  "use strict";
  var body = document.querySelector(".report .body");
  if (!body) return;
  var marks = Array.prototype.slice.call(body.querySelectorAll("mark"));
  var nav = document.querySelector(".matchnav");
  var pos = nav ? nav.querySelector(".matchpos") : null;
  var current = -1;

  function label() {
    if (pos) pos.textContent = (current < 0 ? "–" : current + 1) + " / " + marks.length;
  }

  function show(i) {
    if (!marks.length) return;
    if (current >= 0) marks[current].classList.remove("current");
    current = (i + marks.length) % marks.length;
    marks[current].classList.add("current");
    marks[current].scrollIntoView({ block: "center" });
    label();
  }

  if (marks.length && nav) {
    nav.hidden = false;
    label();
    nav.querySelector(".next").addEventListener("click", function () { show(current + 1); });
    nav.querySelector(".prev").addEventListener("click", function () { show(current - 1); });
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || window.archiveTyping(document.activeElement)) return;
    if (e.key === "n") { e.preventDefault(); show(current + 1); }
    else if (e.key === "p") { e.preventDefault(); show(current < 0 ? -1 : current - 1); }
  });

  // The passage a link points at: scrolled into view and marked (CSS :target marks it
  // too, but only while the hash stays; the class survives and is easy to test).
  function markTarget() {
    Array.prototype.forEach.call(body.querySelectorAll(".targeted"), function (el) {
      el.classList.remove("targeted");
    });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^p-[0-9a-f]+(-[0-9]+)?$/.test(id)) return;
    var el = document.getElementById(id);
    if (!el) return;
    el.classList.add("targeted");
    el.scrollIntoView({ block: "center" });
    // Match navigation goes on from the target's first match.
    var first = el.querySelector("mark");
    if (first) {
      if (current >= 0) marks[current].classList.remove("current");
      current = marks.indexOf(first);
      first.classList.add("current");
      label();
    }
  }
  markTarget();
  window.addEventListener("hashchange", markTarget);

  // The saved original loads only when asked for (it is large and full of blocked requests).
  var original = document.querySelector("details.original");
  if (original) {
    original.addEventListener("toggle", function () {
      var frame = original.querySelector("iframe[data-src]");
      if (original.open && frame && !frame.getAttribute("src")) frame.setAttribute("src", frame.getAttribute("data-src"));
    });
  }

  // Copy a link to a paragraph; the click still moves the hash, so it becomes the target.
  var status = document.querySelector(".copied-status");
  function copied() {
    if (!status) return;
    status.textContent = status.getAttribute("data-text");
    status.hidden = false;
    window.setTimeout(function () { status.hidden = true; }, 2500);
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (err) { /* the link is still in the address bar */ }
    document.body.removeChild(area);
  }
  body.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a.anchor") : null;
    if (!a) return;
    var url = location.origin + location.pathname + location.search + "#p-" + a.getAttribute("data-pid");
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(copied, function () { fallbackCopy(url); copied(); });
    } else {
      fallbackCopy(url);
      copied();
    }
  });
})();
