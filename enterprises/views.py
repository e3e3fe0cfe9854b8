from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import queries


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "enterprises/home.html",
        {"figures": queries.home_figures(), "departments": queries.departments()},
    )
