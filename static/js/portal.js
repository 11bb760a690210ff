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

/* File inputs with data-size-hint: say what was chosen and warn before uploading a file the
   server would refuse (too large, too many). The server checks again; this only saves a wait. */
(function () {
  "use strict";

  function human(bytes) {
    if (bytes >= 1048576) {
      return (bytes / 1048576).toFixed(1) + " MB";
    }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[type=file][data-size-hint]").forEach(function (input) {
      var hint = document.createElement("div");
      hint.className = "file-hint";
      hint.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", hint);
      var limit = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
      var maxFiles = parseInt(input.getAttribute("data-max-files") || "0", 10);
      input.addEventListener("change", function () {
        hint.textContent = "";
        var files = Array.prototype.slice.call(input.files || []);
        if (!files.length) {
          return;
        }
        var total = files.reduce(function (sum, f) { return sum + f.size; }, 0);
        var summary = document.createElement("div");
        summary.textContent = fill(input.getAttribute("data-msg-total"), {count: files.length, size: human(total)});
        hint.appendChild(summary);
        files.forEach(function (f) {
          if (limit && f.size > limit) {
            var line = document.createElement("div");
            line.className = "too-large";
            line.textContent = fill(input.getAttribute("data-msg-large"), {name: f.name, size: human(f.size), max: human(limit)});
            hint.appendChild(line);
          }
        });
        if (maxFiles && files.length > maxFiles) {
          var many = document.createElement("div");
          many.className = "too-large";
          many.textContent = fill(input.getAttribute("data-msg-many"), {max: maxFiles});
          hint.appendChild(many);
        }
      });
    });
  });
})();

/* The proposal form's "similar proposals" panel follows what the member types: a debounced
   fetch of the API's similar-proposal search. Without script the edit and detail pages show
   the same list rendered by the server. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.querySelector(".similar-panel[data-similar-url]");
    var form = document.querySelector("form.proposal-form");
    if (!panel || !form || !window.fetch) {
      return;
    }
    var results = panel.querySelector(".similar-results");
    var sources = form.querySelectorAll("[data-similar-source]");
    var timer = null;
    var last = "";

    function text() {
      var parts = [];
      sources.forEach(function (field) { parts.push(field.value.trim()); });
      return parts.join("\n").trim().slice(0, 1500);
    }

    function render(items) {
      results.textContent = "";
      if (!items.length) {
        var none = document.createElement("p");
        none.className = "muted small";
        none.textContent = panel.getAttribute("data-msg-none");
        results.appendChild(none);
        return;
      }
      var list = document.createElement("ol");
      list.className = "similar-list";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        var percent = Math.round((item.score || 0) * 100);
        var meter = document.createElement("span");
        meter.className = "meter";
        meter.setAttribute("aria-hidden", "true");
        var bar = document.createElement("span");
        bar.style.width = percent + "%";
        meter.appendChild(bar);
        var num = document.createElement("span");
        num.className = "num";
        num.textContent = percent + "%";
        var sub = document.createElement("span");
        sub.className = "sub muted small";
        var bits = [item.number_label, item.author, item.status].filter(Boolean);
        if (item.shared_words && item.shared_words.length) {
          bits.push(panel.getAttribute("data-msg-shared") + ": " + item.shared_words.join("、"));
        }
        sub.textContent = bits.join(" · ");
        li.append(link, meter, num, sub);
        list.appendChild(li);
      });
      results.appendChild(list);
    }

    function search() {
      var q = text();
      if (q.length < 8 || q === last) {
        return;
      }
      last = q;
      var url = new URL(panel.getAttribute("data-similar-url"), window.location.href);
      url.searchParams.set("q", q);
      if (panel.getAttribute("data-exclude")) {
        url.searchParams.set("exclude", panel.getAttribute("data-exclude"));
      }
      fetch(url.toString(), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && q === last) {
            render(Array.isArray(data) ? data : (data.results || []));
          }
        })
        .catch(function () { /* the panel keeps what it showed */ });
    }

    sources.forEach(function (field) {
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(search, 600);
      });
    });
  });
})();
