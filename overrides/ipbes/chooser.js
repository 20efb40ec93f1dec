// Sends a reader from the site root to the first of their browser's languages the site has.
// Runs only on the root page; "?choose" keeps the list on screen for readers who want it.
(function () {
  if (location.search.indexOf("choose") !== -1) return;
  var available = Array.prototype.map.call(
    document.querySelectorAll(".chooser__list [hreflang]"),
    function (a) { return a.getAttribute("hreflang"); });
  var wanted = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i]).toLowerCase().split("-")[0];
    if (available.indexOf(code) !== -1) { location.replace(code + "/"); return; }
  }
})();
