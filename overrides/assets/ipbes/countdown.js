// Launch countdown, a progressive enhancement: the page already says the date without
// JavaScript; this adds "in 3 days" in the page's language (the browser's CLDR data).
(function () {
  var units = [["day", 86400], ["hour", 3600], ["minute", 60]];
  var format = new Intl.RelativeTimeFormat(document.documentElement.lang, { numeric: "auto" });
  function update(element) {
    var seconds = (Date.parse(element.getAttribute("data-launch")) - Date.now()) / 1000;
    var live = element.querySelector(".ipbes-countdown__live");
    if (seconds <= 0) { element.hidden = true; return; }
    for (var i = 0; i < units.length; i++) {
      if (seconds >= units[i][1] || i === units.length - 1) {
        live.textContent = format.format(Math.round(seconds / units[i][1]), units[i][0]);
        return;
      }
    }
  }
  var elements = document.querySelectorAll(".ipbes-countdown[data-launch]");
  Array.prototype.forEach.call(elements, update);
  setInterval(function () { Array.prototype.forEach.call(elements, update); }, 60000);
})();
