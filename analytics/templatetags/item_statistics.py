from django import template

from analytics.statistics import question_statistics

register = template.Library()


@register.inclusion_tag("analytics/_question_statistics.html", takes_context=True)
def statistics_of(context, question):
    """The question's statistics per version, on its author page (?attempts=first for first attempts)."""
    first_only = context["request"].GET.get("attempts") == "first"
    return {
        "items": question_statistics(question, first_only),
        "first_only": first_only,
        "question": question,
        "is_admin": context["request"].user.is_staff,
    }
