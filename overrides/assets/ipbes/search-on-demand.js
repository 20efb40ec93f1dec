// Search on demand: Material starts its search worker and requests the search index as the
// page starts; this holds both back until the reader opens or focuses the search box (or the
// address asks for a search or a highlight), then lets them go. Loaded before Material's bundle.
(function () {
  var open = /[?&](q|h)=/.test(location.search), held = [];
  function release() {
    if (open) return;
    open = true;
    held.splice(0).forEach(function (go) { go(); });
  }
  var xhrOpen = XMLHttpRequest.prototype.open, xhrSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.ipbesIndex = /\/search\/search_index\.json$/.test(String(url));
    return xhrOpen.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (request.ipbesIndex && !open) { held.push(function () { xhrSend.apply(request, args); }); return; }
    return xhrSend.apply(request, args);
  };
  var RealWorker = window.Worker;
  window.Worker = function (url, options) {
    if (open || !/\/workers\/search\./.test(String(url))) return new RealWorker(url, options);
    var real = null, calls = [];
    function later(name) {
      return function () { real ? real[name].apply(real, arguments) : calls.push([name, arguments]); };
    }
    this.postMessage = later("postMessage");
    this.addEventListener = later("addEventListener");
    this.removeEventListener = later("removeEventListener");
    this.terminate = later("terminate");
    held.push(function () {
      real = new RealWorker(url, options);
      calls.splice(0).forEach(function (call) { real[call[0]].apply(real, call[1]); });
    });
  };
  document.addEventListener("focusin", function (event) {
    if (event.target.closest && event.target.closest(".md-search")) release();
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search" && event.target.checked) release();
  });
})();
