// Site search: the dialog of overrides/partials/search.html over this language's Pagefind bundle
// (scripts/search.py). The bundle is imported only when a reader opens search, from this site's
// own origin; results are drawn here (text only, Pagefind's <mark> kept) so they look like the site.
// Keyboard: "/" opens, arrows move through results, Enter opens one, Escape closes.
(function () {
  "use strict";
  var MAX_RESULTS = 10, EXCERPT_WORDS = 24, DEBOUNCE_MS = 120;
  var dialog = document.querySelector("[data-ipbes-search]");
  var opener = document.querySelector("[data-ipbes-search-open]");
  if (!dialog || !opener || typeof dialog.showModal !== "function") return;
  var input = dialog.querySelector(".ipbes-search__input");
  var kind = dialog.querySelector(".ipbes-search__kind");
  var status = dialog.querySelector(".ipbes-search__status");
  var list = dialog.querySelector(".ipbes-search__results");
  var bundle = null, generation = 0, timer = 0, active = -1, options = [];

  function text(name, values) {
    return (dialog.getAttribute("data-text-" + name) || "").replace(/%\((\w+)\)s/g, function (whole, key) {
      return values && key in values ? values[key] : whole;
    });
  }

  function load() {
    if (!bundle) {
      var url = new URL(dialog.getAttribute("data-bundle"), document.baseURI).href;
      bundle = import(url).then(function (pagefind) {
        return pagefind.options({ excerptLength: EXCERPT_WORDS }).then(function () { return pagefind; });
      });
      bundle.catch(function () { bundle = null; });
    }
    return bundle;
  }

  function open() {
    if (dialog.open) return;
    dialog.showModal();
    input.focus();
    input.select();
    load().catch(failed);
    if (input.value.trim()) schedule();
  }

  function close() {
    if (dialog.open) dialog.close();
  }

  function failed() {
    status.textContent = text("error");
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  }

  function run() {
    var query = input.value.trim(), mine = ++generation;
    if (!query) {
      show([]);
      status.textContent = text("hint");
      return;
    }
    status.textContent = text("loading");
    load().then(function (pagefind) {
      return pagefind.search(query, kind.value ? { filters: { kind: kind.value } } : {});
    }).then(function (search) {
      if (mine !== generation || !search) return null;
      return Promise.all(search.results.slice(0, MAX_RESULTS).map(function (result) { return result.data(); }));
    }).then(function (pages) {
      if (mine !== generation || !pages) return;
      show(pages);
      status.textContent = pages.length ? text("count", { count: pages.length }) : text("none", { query: query });
    }).catch(function () {
      if (mine === generation) failed();
    });
  }

  // The part of a page the query matched best: the heading it was found under, or the page itself.
  function bestPart(page) {
    var best = null;
    (page.sub_results || []).forEach(function (part) {
      if (!best || (part.locations || []).length > (best.locations || []).length) best = part;
    });
    return best || { url: page.url, title: page.meta.title, excerpt: page.excerpt };
  }

  function appendExcerpt(target, html) {
    var parsed = document.createElement("template");
    parsed.innerHTML = html || "";
    Array.prototype.forEach.call(parsed.content.childNodes, function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        target.appendChild(mark);
      } else {
        target.appendChild(document.createTextNode(node.textContent));
      }
    });
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function show(pages) {
    list.textContent = "";
    options = pages.map(function (page, index) {
      var part = bestPart(page), title = page.meta.title || page.url;
      var option = element("li", "ipbes-search__result");
      option.id = "ipbes-search-option-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var link = element("a", "ipbes-search__link");
      link.href = part.url;
      link.tabIndex = -1;
      link.appendChild(element("span", "ipbes-search__page", title));
      if (part.url !== page.url && part.title && part.title !== title) {
        link.appendChild(element("span", "ipbes-search__heading", part.title));
      }
      var excerpt = element("span", "ipbes-search__excerpt");
      appendExcerpt(excerpt, part.excerpt || page.excerpt);
      link.appendChild(excerpt);
      option.appendChild(link);
      list.appendChild(option);
      return option;
    });
    input.setAttribute("aria-expanded", options.length ? "true" : "false");
    select(-1);
  }

  function select(index) {
    if (options[active]) options[active].setAttribute("aria-selected", "false");
    active = index;
    if (options[active]) {
      options[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  input.addEventListener("input", schedule);
  kind.addEventListener("change", schedule);
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      select(active < 0 ? (step > 0 ? 0 : options.length - 1) : (active + step + options.length) % options.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (options[active]) window.location.assign(options[active].querySelector("a").href);
    }
  });
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog || event.target.closest("[data-ipbes-search-close]")) close();
  });
  dialog.addEventListener("close", function () {
    if (!document.activeElement || document.activeElement === document.body) opener.focus();
  });
  opener.addEventListener("click", open);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || dialog.open) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']")) return;
    event.preventDefault();
    open();
  });
  opener.hidden = false;
})();
