/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // Collapsing navigation on narrow screens.
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }

    // Close the user menu when clicking elsewhere.
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) {
          menu.removeAttribute("open");
        }
      });
    });

    // On a phone, an untouched filter panel starts folded so the results come first.
    if (window.matchMedia("(max-width: 640px)").matches) {
      document.querySelectorAll("details.filters[data-active='0']").forEach(function (panel) {
        panel.removeAttribute("open");
      });
    }

    // Choosing the committee of a new record reloads the form so the dependent choices
    // (terms, sectors, members ...) are that committee's.
    document.querySelectorAll("select[data-reload-param]").forEach(function (select) {
      select.addEventListener("change", function () {
        var url = new URL(window.location.href);
        url.searchParams.set(select.getAttribute("data-reload-param"), select.value);
        window.location.assign(url.toString());
      });
    });

    // Type-to-filter for long checkbox lists (studio members).
    document.querySelectorAll("[data-filter-list]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("data-filter-list"));
      if (!list) {
        return;
      }
      input.hidden = false;
      input.addEventListener("input", function () {
        var needle = input.value.trim().toLowerCase();
        list.querySelectorAll("li").forEach(function (item) {
          item.hidden = needle !== "" && item.textContent.toLowerCase().indexOf(needle) === -1;
        });
      });
    });

    // Ask before irreversible actions.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });
  });
})();
