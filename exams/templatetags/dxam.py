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
