// Keeps a matching run's progress bar current: polls the run's JSON progress endpoint once a
// second and reloads the page when the run has ended, so the roster appears.
(function () {
  "use strict";
  var panel = document.querySelector("[data-progress-url]");
  if (!panel) {
    return;
  }
  var url = panel.getAttribute("data-progress-url");
  var bar = panel.querySelector("progress");

  function show(name, value) {
    var field = panel.querySelector('[data-field="' + name + '"]');
    if (field) {
      field.textContent = value === null || value === undefined ? "—" : String(value);
    }
  }

  function render(progress) {
    if (progress.percent === null || progress.percent === undefined) {
      bar.removeAttribute("value");
    } else {
      bar.value = progress.percent;
      bar.textContent = progress.percent + "%";
    }
    show("state", progress.state);
    show("elapsed", Number(progress.elapsed_seconds).toFixed(1));
    show("objective", progress.best_objective);
    show("bound", progress.best_bound === null ? null : Math.floor(progress.best_bound));
    show("percent", progress.percent);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("progress answered " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        render(progress);
        if (progress.finished) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();
