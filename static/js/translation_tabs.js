/*
 * Accessible EN/FR tabs for django-modeltranslation's tabbed admin.
 *
 * modeltranslation builds jQuery UI tabs: each tab is an <li role="tab">
 * holding an <a href="#panel">, a focusable element inside a focusable tab
 * (axe: nested-interactive). Here the link keeps its place and its click but
 * loses its href (kept in data-tab-href), so the tab itself is the one
 * keyboard stop: Tab reaches it, arrows move between tabs, Enter or Space
 * opens one, as jQuery UI already handles on the <li>.
 *
 * The page-wide language switch gets a name (the hidden
 * #translation-switch-label of templates/admin/base_site.html), and is
 * removed where it has nothing to switch (read-only forms).
 *
 * Loaded after jQuery UI and before the page is ready, when modeltranslation
 * builds its tabs (incidents/admin/widgets.py, TRANSLATION_TABS_JS).
 */
(function () {
  "use strict";
  var $ = window.jQuery || (window.django && window.django.jQuery);
  if (!$ || !$.ui || !$.ui.tabs) {
    return;
  }

  $.widget("ui.tabs", $.ui.tabs, {
    _processTabs: function () {
      // jQuery UI reads each link's href to find its panel: put them back first.
      this.tablist && this.tablist.find("a[data-tab-href]").each(function () {
        this.setAttribute("href", this.getAttribute("data-tab-href"));
      });
      this._super();
      this.anchors.each(function () {
        var href = this.getAttribute("href");
        if (href && href.charAt(0) === "#") {
          this.setAttribute("data-tab-href", href);
          this.removeAttribute("href");
          this.removeAttribute("tabindex");
        }
      });
    },
    // A link without href is a local panel, never one to load over the network.
    _isLocal: function (anchor) {
      return anchor.hasAttribute("data-tab-href") || this._super(anchor);
    }
  });

  $(function () {
    var select = document.getElementById("modeltranslation-main-switch");
    if (!select) {
      return;
    }
    if (!select.options.length) {
      // Nothing to switch: the form has no editable translated field.
      var header = select.parentNode;
      select.remove();
      if (header && header.lastChild && header.lastChild.nodeType === Node.TEXT_NODE) {
        header.lastChild.textContent = header.lastChild.textContent.replace(/\u00a0$/, "");
      }
      return;
    }
    if (document.getElementById("translation-switch-label")) {
      select.setAttribute("aria-labelledby", "translation-switch-label");
    }
  });
})();
