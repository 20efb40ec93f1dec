// The site's own behaviour, one small file for every page (one request).

// Video and audio facades: the provider's player loads only when the reader presses play.
// Without JavaScript the facade is a plain link to the provider's page.
document.addEventListener("click", function (event) {
  var facade = event.target.closest && event.target.closest(".ipbes-embed__facade");
  if (!facade) return;
  var figure = facade.closest(".ipbes-embed");
  var player = figure && figure.getAttribute("data-player");
  if (!player) return;
  event.preventDefault();
  var frame = document.createElement("iframe");
  frame.className = "ipbes-embed__player";
  frame.src = player;
  frame.title = figure.getAttribute("data-title");
  frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  frame.allowFullscreen = true;
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  facade.replaceWith(frame);
  frame.focus();
});

// A table wider than the page scrolls sideways; keyboard users reach that scroll only if the
// scrolling box can take focus (WCAG 2.1.1). Material wraps tables when a page is shown.
function focusableScrollBoxes() {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
    else box.removeAttribute("tabindex");
  });
}
if (typeof document$ !== "undefined") document$.subscribe(focusableScrollBoxes);
window.addEventListener("resize", focusableScrollBoxes);
