from html import escape

from django import template
from django.utils.safestring import mark_safe

from exams.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def markdown_inline(text):
    """One line of Markdown with math (titles): the same rendering, without the paragraph around it."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)


@register.simple_tag
def question_navigation(navigation, current_position):
    """The side navigation's links, one per question, built here: forty links through template tags cost a
    third of the question page's CPU. `navigation` is the view's list of dicts (position, url, answered,
    flagged)."""
    links = []
    for other in navigation:
        classes = (
            "qnav"
            + (" qnav-answered" if other["answered"] else "")
            + (" qnav-flagged" if other["flagged"] else "")
        )
        label = f"Question {other['position']}, {'answered' if other['answered'] else 'unanswered'}"
        label += ", flagged" if other["flagged"] else ""
        current = ' aria-current="step"' if other["position"] == current_position else ""
        position = escape(other["position"])
        links.append(
            f'<li><a href="{escape(other["url"])}" class="{classes}" data-position="{position}"{current}'
            f' aria-label="{escape(label)}">{position}</a></li>'
        )
    return mark_safe("\n".join(links))  # every value in it is escaped above
