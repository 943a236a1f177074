// Typeset every <span class="math"> with the bundled KaTeX: its HTML output (textbook glyphs from the fonts
// in static/vendor/katex) with MathML beside it for screen readers. katex.render builds DOM nodes and sets
// their styles through the CSSOM, which the strict Content-Security-Policy allows (inline style attributes
// it would not). Other scripts call dxamTypeset(element) after changing the page.
(function () {
  "use strict";

  // A display equation wider than its column scrolls sideways: only then is it a scroll box, which a
  // keyboard must reach (focusable, a named region); one that fits stays plain text.
  function markWide(root) {
    (root || document).querySelectorAll("span.math-display[data-typeset]").forEach(function (el) {
      var wide = el.scrollWidth > el.clientWidth + 1;
      el.classList.toggle("math-wide", wide);
      if (wide) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", "Equation, scrolls sideways");
      } else {
        el.removeAttribute("tabindex");
        el.removeAttribute("role");
        el.removeAttribute("aria-label");
      }
    });
  }

  function typeset(root) {
    if (!window.katex) return;
    (root || document).querySelectorAll("span.math:not([data-typeset])").forEach(function (el) {
      var tex = el.textContent;
      try {
        window.katex.render(tex, el, {
          output: "htmlAndMathml",
          displayMode: el.classList.contains("math-display"),
          throwOnError: false,
        });
        el.setAttribute("data-typeset", "");
        el.setAttribute("data-tex", tex);
        // A formula inside a form label (a choice option) must give the control a name: MathML's role
        // "math" takes its name from its author only, so the TeX source is that name.
        var mathml = el.closest("label") && el.querySelector("math");
        if (mathml) mathml.setAttribute("aria-label", tex);
      } catch (error) {
        el.textContent = tex;
      }
    });
    markWide(root);
  }

  window.dxamTypeset = typeset;
  document.addEventListener("DOMContentLoaded", function () {
    typeset(document);
    // Widths change once the math fonts have loaded, and with the window.
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () { markWide(document); });
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(function () { markWide(document); }, 200);
    });
  });
})();
