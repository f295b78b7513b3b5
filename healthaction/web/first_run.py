"""The first-run page of a fresh install (issue 23): find your area, create it with its lower units and the first
office account. Open only while no account exists (scopes.first_run_open); afterwards it is not found."""

from django import forms
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from healthaction.registry import divisions, scopes
from healthaction.registry.services import AreaError, first_office


class FirstOfficeForm(UserCreationForm):
    area = forms.CharField(label=gettext_lazy("Area"), max_length=12, widget=forms.HiddenInput)

    def clean_area(self):
        code = self.cleaned_data["area"]
        if divisions.get(code) is None:
            raise forms.ValidationError(_("Choose your area from the list found by its name."))
        return code


def first_run(request):
    if not scopes.first_run_open():
        raise Http404(_("This installation is already set up."))
    query = request.GET.get("q", "").strip()[:30]
    code = request.POST.get("area") or request.GET.get("area", "")
    chosen = divisions.get(code)
    form = FirstOfficeForm(request.POST or None, initial={"area": code})
    if request.method == "POST" and form.is_valid():
        try:
            user, result = first_office(
                form.cleaned_data["area"], form.cleaned_data["username"], form.cleaned_data["password1"]
            )
        except AreaError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    hits = (
        [(d, divisions.label(d), len(divisions.descendants(d.code))) for d in divisions.search(query)] if query else []
    )
    return render(
        request,
        "web/first_run.html",
        {
            "query": query,
            "hits": hits,
            "chosen": chosen,
            "chosen_label": divisions.label(chosen) if chosen else "",
            "lower": len(divisions.descendants(chosen.code)) if chosen else 0,
            "form": form,
        },
    )
