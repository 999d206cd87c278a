/*
 * The version editor's two aids for writing in both languages
 * (incidents/admin/versions.py), both without inline script or style:
 *
 * - "English and French side by side": one switch for the whole form. It
 *   shows every translated field's two languages in two columns instead of
 *   django-modeltranslation's tabs (static/css/admin.css,
 *   .translations-side-by-side), and is remembered in this browser.
 * - "Preview": under each Markdown text (data-markdown-preview on its
 *   textarea), the text rendered as the public page renders it, by the
 *   server (sanitized there, like every text of Dossier).
 *
 * Without JavaScript the form works as before: the fields stacked, unrendered.
 */
(function () {
  "use strict";
  var STORAGE_KEY = "dossier.sideBySide";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setSideBySide(on) {
    document.body.classList.toggle("translations-side-by-side", on);
    // Hidden tab panels say so to screen readers; side by side, none is hidden.
    document.querySelectorAll(".ui-tabs-panel").forEach(function (panel) {
      if (on) {
        panel.setAttribute("aria-hidden", "false");
      } else if (panel.style.display === "none") {
        panel.setAttribute("aria-hidden", "true");
      }
    });
    try {
      window.localStorage.setItem(STORAGE_KEY, on ? "1" : "0");
    } catch (error) {
      /* storage refused: the switch still works for this page */
    }
  }

  function addSwitch(labels) {
    var form = document.querySelector("#content-main form");
    // Translated fields carry modeltranslation's "mt" class from the server,
    // whether or not their tabs are built yet.
    if (!form || !form.querySelector(".mt")) {
      return;
    }
    var wrapper = document.createElement("p");
    wrapper.className = "side-by-side-switch";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = "side-by-side-switch";
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = labels.sideBySide;
    wrapper.appendChild(box);
    wrapper.appendChild(label);
    // Outside the form: switching is no edit, and must not make the page
    // ask to keep unsaved changes.
    form.parentNode.insertBefore(wrapper, form);
    var saved = null;
    try {
      saved = window.localStorage.getItem(STORAGE_KEY);
    } catch (error) {
      saved = null;
    }
    box.checked = saved === "1";
    setSideBySide(box.checked);
    box.addEventListener("change", function () {
      setSideBySide(box.checked);
    });
    // Tabs built after this ran hide their panels from screen readers: again.
    window.addEventListener("load", function () {
      setSideBySide(box.checked);
    });
  }

  function addPreview(textarea, labels) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button markdown-preview-button";
    button.textContent = labels.preview;
    var output = document.createElement("div");
    output.className = "markdown-preview";
    output.setAttribute("aria-live", "polite");
    output.hidden = true;
    // The preview is in the field's language (its name ends in _en or _fr).
    var language = textarea.lang || (textarea.name.match(/_(en|fr)$/) || [])[1];
    if (language) {
      output.lang = language;
    }
    textarea.insertAdjacentElement("afterend", output);
    textarea.insertAdjacentElement("afterend", button);
    button.addEventListener("click", function () {
      var body = new URLSearchParams();
      body.set("text", textarea.value);
      fetch(textarea.getAttribute("data-markdown-preview"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
        body: body.toString()
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          output.hidden = false;
          if (data.error) {
            output.textContent = data.error;
          } else {
            // Sanitized by the server (core/rendering.py), as on public pages.
            output.innerHTML = data.html || "<p>" + labels.empty + "</p>";
          }
        })
        .catch(function () {
          output.hidden = false;
          output.textContent = labels.failed;
        });
    });
  }

  function start() {
    var data = document.getElementById("editor-labels");
    var labels = data ? JSON.parse(data.textContent) : {};
    addSwitch(labels);
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(function (textarea) {
      addPreview(textarea, labels);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
