"""Textbook math: equations typeset by the app's KaTeX (HTML output, its CSS and fonts served by the app,
MathML kept for screen readers), compared pixel by pixel with committed reference screenshots.

The references in tests/e2e/math_references/ were made by this test in Debian's Chromium with
DXAM_WRITE_MATH_REFERENCES=1; make them again that way after a deliberate change to how math looks. The
comparison tolerates anti-aliasing: at most MAX_DIFFERENT_SHARE of the pixels may differ by more than
PIXEL_THRESHOLD in a channel, and the sizes by at most SIZE_SLACK pixels.
"""

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

REFERENCES = Path(__file__).parent / "math_references"
WRITE = os.environ.get("DXAM_WRITE_MATH_REFERENCES") == "1"
PIXEL_THRESHOLD = 64
MAX_DIFFERENT_SHARE = 0.02
SIZE_SLACK = 2

EQUATIONS = {
    "blackboard-r": (r"x \in \mathbb{R}^n", False),
    "bold-one": (r"\mathbf{1}^\top x", False),
    "matrix-brackets": (r"\begin{bmatrix} a & b \\ c & d \end{bmatrix}^{-1}", True),
    "big-delimiters": (
        r"\Big[y \log \sigma(w^\top x) + (1 - y)\log\big(1 - \sigma(w^\top x)\big)\Big]",
        True,
    ),
    "gradient": (r"\nabla_x\, x^\top A x = (A + A^\top)\,x", True),
}


def render(page, equations):
    """Typeset the equations with the page's own pipeline (static/js/math.js) and screenshot each one."""
    page.evaluate(
        """equations => {
            const box = document.createElement("div");
            box.id = "math-references";
            box.style.background = "#fff";
            for (const [name, [tex, display]] of Object.entries(equations)) {
                const span = document.createElement("span");
                span.className = "math " + (display ? "math-display" : "math-inline");
                span.dataset.name = name;
                span.textContent = tex;
                const row = document.createElement("p");
                row.appendChild(span);
                box.appendChild(row);
            }
            document.querySelector("main").prepend(box);
            window.dxamTypeset(box);
        }""",
        {name: list(value) for name, value in equations.items()},
    )
    page.evaluate("document.fonts.ready.then(() => true)")
    shots = {}
    for name in equations:
        element = page.locator(f'#math-references [data-name="{name}"] .katex-html')
        expect(element).to_be_visible()
        shots[name] = Image.open(io.BytesIO(element.screenshot())).convert("RGB")
    return shots


def differing_share(actual, reference):
    if abs(actual.width - reference.width) > SIZE_SLACK or abs(actual.height - reference.height) > SIZE_SLACK:
        return 1.0
    width, height = min(actual.width, reference.width), min(actual.height, reference.height)
    box = (0, 0, width, height)
    difference = ImageChops.difference(actual.crop(box), reference.crop(box))
    different = sum(1 for pixel in difference.getdata() if max(pixel) > PIXEL_THRESHOLD)
    return different / (width * height)


@pytest.fixture
def math_page(browser, live_server):
    context = browser.new_context(viewport={"width": 900, "height": 700}, device_scale_factor=1)
    page = context.new_page()
    page.goto(live_server.url)  # any page: the app's stylesheet, KaTeX and its fonts, under the app's CSP
    yield page
    context.close()


def test_reference_equations_look_as_they_did(math_page):
    shots = render(math_page, EQUATIONS)
    if WRITE:
        REFERENCES.mkdir(exist_ok=True)
        for name, image in shots.items():
            image.save(REFERENCES / f"{name}.png")
        pytest.skip("reference screenshots written")
    shares = {
        name: differing_share(image, Image.open(REFERENCES / f"{name}.png").convert("RGB"))
        for name, image in shots.items()
    }
    assert {name: share for name, share in shares.items() if share > MAX_DIFFERENT_SHARE} == {}


def test_the_comparison_tells_a_blackboard_r_from_an_italic_one(math_page):
    """What the issue found (an italic R for ℝ) fails the comparison: the test can tell them apart."""
    [italic] = render(math_page, {"italic-r": (r"x \in R^n", False)}).values()
    reference = Image.open(REFERENCES / "blackboard-r.png").convert("RGB")
    assert differing_share(italic, reference) > MAX_DIFFERENT_SHARE


def test_math_uses_the_served_fonts_and_keeps_mathml_for_screen_readers(math_page):
    render(math_page, {"blackboard-r": EQUATIONS["blackboard-r"], "bold-one": EQUATIONS["bold-one"]})
    fonts = math_page.evaluate(
        """() => ({
            blackboard: getComputedStyle(document.querySelector('[data-name="blackboard-r"] .mathbb'))
                .fontFamily,
            bold: getComputedStyle(document.querySelector('[data-name="bold-one"] .mathbf')).fontFamily,
            amsLoaded: document.fonts.check('1em KaTeX_AMS'),
            mainBoldLoaded: document.fonts.check('bold 1em KaTeX_Main'),
        })"""
    )
    assert fonts["blackboard"].startswith("KaTeX_AMS") and fonts["bold"].startswith("KaTeX_Main")
    assert fonts["amsLoaded"] and fonts["mainBoldLoaded"]
    mathml = math_page.locator('[data-name="blackboard-r"] .katex-mathml annotation')
    expect(mathml).to_have_text(EQUATIONS["blackboard-r"][0])
