/* Chính Quyền — site behaviour. Loaded as an external file (no inline scripts: the
   Content-Security-Policy has no 'unsafe-inline'). */
(function () {
  "use strict";

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i += 1) {
      var item = parts[i].trim();
      if (item.substring(0, name.length + 1) === name + "=") {
        return decodeURIComponent(item.substring(name.length + 1));
      }
    }
    return "";
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.getAttribute("content")) {
      return meta.getAttribute("content");
    }
    return readCookie("csrftoken");
  }

  // htmx sends Django's CSRF token with every request it makes.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // Forms that ask before submitting: <form data-confirm="Bạn có chắc ...?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }
  });

  // After htmx swaps content in, move focus to the element marked data-focus-on-swap (a
  // result region with tabindex="-1") so screen reader and keyboard users land on it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!(target instanceof Element)) {
      return;
    }
    var region = target.matches("[data-focus-on-swap]")
      ? target
      : target.querySelector("[data-focus-on-swap]");
    if (region) {
      region.focus();
    }
  });

  // Buttons that print the page: <button type="button" data-print>.
  document.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (el) {
      event.preventDefault();
      window.print();
    }
  });

  // A table wider than the screen scrolls inside its .table-responsive box: keyboard users
  // must be able to focus that box to scroll it (WCAG 2.1.1), and a screen reader names it
  // after the table's caption. Boxes that do not scroll stay out of the tab order.
  function markScrollableTables(root) {
    var boxes = (root || document).querySelectorAll(".table-responsive");
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      if (box.dataset.scrollFocus === "template") {
        continue; // the template decided (it set tabindex itself)
      }
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "auto";
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          var caption = box.querySelector("caption");
          box.setAttribute("role", "region");
          box.setAttribute(
            "aria-label",
            (caption && caption.textContent.trim()) || "Bảng, cuộn ngang để xem thêm"
          );
        }
      } else if (box.dataset.scrollFocus === "auto") {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    }
  }

  document.querySelectorAll(".table-responsive[tabindex]").forEach(function (box) {
    box.dataset.scrollFocus = "template";
  });
  markScrollableTables(document);
  window.addEventListener("resize", function () {
    markScrollableTables(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    markScrollableTables(event.detail.target instanceof Element ? event.detail.target : document);
  });
})();
