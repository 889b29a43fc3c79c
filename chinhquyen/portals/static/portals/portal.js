// Font-size control of the portals (WCAG 1.4.4): three buttons change the root font size,
// remembered in localStorage. No inline script (CSP).
(function () {
  "use strict";
  var KEY = "portal-font-size";
  var sizes = [87.5, 100, 112.5, 125, 150];
  function apply(index) {
    document.documentElement.style.fontSize = sizes[index] + "%";
    try { localStorage.setItem(KEY, String(index)); } catch (e) { /* private mode */ }
  }
  var current = 1;
  try {
    var saved = parseInt(localStorage.getItem(KEY), 10);
    if (saved >= 0 && saved < sizes.length) { current = saved; }
  } catch (e) { /* private mode */ }
  if (current !== 1) { apply(current); }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-font-size]");
    if (!button) { return; }
    var action = button.getAttribute("data-font-size");
    if (action === "up") { current = Math.min(current + 1, sizes.length - 1); }
    else if (action === "down") { current = Math.max(current - 1, 0); }
    else { current = 1; }
    apply(current);
  });
})();
