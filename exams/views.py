from django.shortcuts import render

# The course's eight domains, shown on the home page until the question bank stores them.
COURSE_DOMAINS = [
    "Introduction to Matrix Calculus",
    "Review of Prerequisites",
    "Matrix Derivatives Basics",
    "Matrix Calculus Rules",
    "Gradient, Jacobian, and Hessian",
    "Applications in Machine Learning",
    "Practical Tools",
    "Advanced Use Cases",
]


def home(request):
    return render(request, "home.html", {"domains": COURSE_DOMAINS})


def catalogue(request):
    return render(request, "exams/catalogue.html", {"exams": []})
