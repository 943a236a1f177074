// Typeset every <span class="math"> with the bundled KaTeX, as MathML (no inline styles, so the strict
// Content-Security-Policy holds). Other scripts call dxamTypeset(element) after changing the page.
(function () {
  "use strict";
  function typeset(root) {
    if (!window.katex) return;
    (root || document).querySelectorAll("span.math:not([data-typeset])").forEach(function (el) {
      var tex = el.textContent;
      try {
        window.katex.render(tex, el, {
          output: "mathml",
          displayMode: el.classList.contains("math-display"),
          throwOnError: false,
        });
        el.setAttribute("data-typeset", "");
        el.setAttribute("data-tex", tex);
      } catch (error) {
        el.textContent = tex;
      }
    });
  }
  window.dxamTypeset = typeset;
  document.addEventListener("DOMContentLoaded", function () { typeset(document); });
})();
