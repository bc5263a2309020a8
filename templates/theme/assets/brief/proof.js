// Mark every segment of the span a reader followed, not only its first one (which is :target).
// Spans that start together share their first segment, so the item clicked names the span.
(function () {
  var clicked = null;
  function highlight() {
    var active = document.querySelectorAll("mark.brief-active");
    for (var i = 0; i < active.length; i++) active[i].classList.remove("brief-active");
    var id = decodeURIComponent(location.hash.slice(1));
    if (id.indexOf("src-") !== 0) return;
    var key = clicked || id.slice(4);
    clicked = null;
    var marks = document.querySelectorAll("mark.brief-span");
    for (var j = 0; j < marks.length; j++) {
      var items = (marks[j].getAttribute("data-items") || "").split(" ");
      if (items.indexOf(key) >= 0) marks[j].classList.add("brief-active");
    }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.brief-ref");
    if (!link || link.id.indexOf("item-") !== 0) return;
    clicked = link.id.slice(5);
    if (link.getAttribute("href") === location.hash) highlight();  // no hashchange will fire
  });
  window.addEventListener("hashchange", highlight);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", highlight);
  } else {
    highlight();
  }
})();
