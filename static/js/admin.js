/*
 * Small repairs to the accessibility of Django's own admin widgets, on every
 * admin page (templates/admin/base_site.html). Each runs once the widgets
 * are built (select2 on "ready", the filtered multiple select on "load"), and
 * again when an inline row is added.
 */
(function () {
  "use strict";

  // Django's autocomplete (select2) shows a combobox named by the chosen
  // value only, so an empty one has no name: name it by the field's label
  // (or, in a tabular inline, the field's aria-label), then the value.
  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var combobox = container && container.querySelector(".select2-selection[role=combobox]");
      if (!combobox || combobox.hasAttribute("data-named")) {
        return;
      }
      var label = select.id && document.querySelector("label[for='" + select.id + "']");
      var nameId;
      if (label) {
        label.id = label.id || select.id + "-label";
        nameId = label.id;
      } else if (select.getAttribute("aria-label")) {
        var name = document.createElement("span");
        name.id = select.id + "-name";
        name.hidden = true;
        name.textContent = select.getAttribute("aria-label");
        container.appendChild(name);
        nameId = name.id;
      } else {
        return;
      }
      var rendered = combobox.querySelector(".select2-selection__rendered");
      if (rendered) {
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
      }
      combobox.setAttribute("aria-labelledby", nameId + (rendered && rendered.id ? " " + rendered.id : ""));
      combobox.setAttribute("data-named", "");
    });
  }

  // The filtered multiple select (filter_horizontal) puts an aria-label on a
  // bare <span>, where ARIA does not allow one: it is an image of a magnifier.
  function nameSearchIcons() {
    document.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function repair() {
    nameAutocompletes();
    nameSearchIcons();
  }

  window.addEventListener("load", function () {
    window.setTimeout(repair);
  });
  document.addEventListener("formset:added", function () {
    window.setTimeout(repair);
  });
})();
