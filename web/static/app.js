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
