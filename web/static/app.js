// edusearch: small keyboard enhancements. The pages work the same without this script.
(function () {
  "use strict";

  function isTyping(element) {
    if (!element) return false;
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }

  function resultLinks() {
    return Array.prototype.slice.call(document.querySelectorAll(".hit-title a"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var search = document.getElementById("q");

    // «/» jumps to the search box, as on many search sites.
    if (event.key === "/" && !isTyping(document.activeElement) && search) {
      event.preventDefault();
      search.focus();
      search.select();
      return;
    }

    // Arrow keys move between results; Enter then opens the focused one.
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var links = resultLinks();
      if (links.length === 0) return;
      var active = document.activeElement;
      var index = links.indexOf(active);
      if (active === search && event.key === "ArrowDown") {
        event.preventDefault();
        links[0].focus();
        return;
      }
      if (index === -1) return;
      event.preventDefault();
      if (event.key === "ArrowDown" && index < links.length - 1) {
        links[index + 1].focus();
      } else if (event.key === "ArrowUp") {
        if (index > 0) links[index - 1].focus();
        else if (search) search.focus();
      }
      return;
    }

    // Escape in the search box clears it.
    if (event.key === "Escape" && document.activeElement === search && search.value) {
      search.value = "";
    }
  });

  // On a resolution opened from the results, «back» returns to the same results page.
  var back = document.querySelector(".back-link");
  if (back && document.referrer) {
    try {
      var from = new URL(document.referrer);
      if (from.origin === window.location.origin && from.pathname === "/" && window.history.length > 1) {
        back.addEventListener("click", function (event) {
          event.preventDefault();
          window.history.back();
        });
      }
    } catch (ignored) {
      // A referrer that is not a URL: keep the plain link.
    }
  }
})();

// Resolution page: an item's «Похожие пункты в других резолюциях» are fetched from the API
// the first time it is opened. Without this script the box holds a link that renders them
// with the page.
(function () {
  "use strict";

  var LIMIT = 3;
  var TEXT_CHARS = 240;

  function shorten(text, max) {
    return text.length > max ? text.slice(0, max).replace(/\s+$/, "") + "…" : text;
  }

  function place(entry) {
    var parts = [];
    if (entry.municipality) parts.push(entry.municipality);
    if (entry.region && !(entry.municipality && entry.municipality.indexOf(entry.region) !== -1)) {
      parts.push(entry.region);
    }
    if (entry.year) parts.push(String(entry.year));
    return parts.join(" · ");
  }

  function message(className, text) {
    var paragraph = document.createElement("p");
    paragraph.className = className;
    paragraph.textContent = text;
    return paragraph;
  }

  // The same markup as the server renders (similar_list.html), built without innerHTML.
  function render(body, entries) {
    var fallback = body.querySelector(".similar-fallback");
    body.textContent = "";
    if (entries.length === 0) {
      body.appendChild(message("similar-empty muted", "Ничего достаточно похожего не найдено."));
      return;
    }
    var list = document.createElement("ol");
    list.className = "similar-list";
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      item.className = "similar-entry";
      var link = document.createElement("a");
      link.className = "similar-link";
      link.href = "/resolutions/" + encodeURIComponent(entry.resolution_id) + "#item-" + entry.position;
      link.textContent = shorten(entry.text, TEXT_CHARS);
      item.appendChild(link);
      var where = place(entry);
      if (where) {
        var span = document.createElement("span");
        span.className = "similar-place";
        span.textContent = where;
        item.appendChild(span);
      }
      list.appendChild(item);
    });
    body.appendChild(list);
    if (fallback) fallback.remove();
  }

  function load(box) {
    var body = box.querySelector(".similar-items-body");
    if (!body || !window.fetch) return;
    box.setAttribute("data-state", "loading");
    var fallback = body.querySelector(".similar-fallback");
    var failed = body.querySelector(".similar-error");
    if (failed) failed.remove();
    var waiting = message("similar-loading muted", "Загрузка…");
    body.insertBefore(waiting, fallback);
    var url = "/api/items/" + encodeURIComponent(box.getAttribute("data-item")) + "/similar?limit=" + LIMIT;
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (answer) {
        render(body, answer.similar || []);
        box.setAttribute("data-state", "loaded");
      })
      .catch(function () {
        // Keep the link: it renders the same list with the page.
        waiting.remove();
        body.insertBefore(message("similar-error muted", "Не удалось загрузить похожие пункты."), fallback);
        box.removeAttribute("data-state");
      });
  }

  Array.prototype.forEach.call(document.querySelectorAll("details.similar-items[data-item]"), function (box) {
    box.addEventListener("toggle", function () {
      if (box.open && !box.getAttribute("data-state")) load(box);
    });
  });
})();
