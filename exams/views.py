from django.shortcuts import render

from exams.models import Domain


def home(request):
    return render(request, "home.html", {"domains": Domain.objects.all()})


def catalogue(request):
    return render(request, "exams/catalogue.html", {"exams": []})
