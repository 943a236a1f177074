from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from progress.summary import learner_summary


@login_required
def dashboard(request):
    return render(request, "progress/dashboard.html", learner_summary(request.user))
