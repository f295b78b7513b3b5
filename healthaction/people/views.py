"""The office's people pages: reporters of a plan, bulk accounts, sign-in sheet, resets, group robots."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from healthaction.collection.current import current_plan, remember
from healthaction.collection.models import RobotWebhook
from healthaction.collection.services import unassigned_items
from healthaction.core.choices import AccountEventKind
from healthaction.core.xlsx import xlsx_download
from healthaction.people import services as S
from healthaction.plans.models import Plan
from healthaction.registry import scopes
from healthaction.registry.models import AccountEvent, Department


class CreateAccountsForm(forms.Form):
    per_reporter = forms.IntegerField(
        label=gettext_lazy("Accounts per department or area"), min_value=1, max_value=10, initial=1
    )
    only_missing = forms.BooleanField(
        label=gettext_lazy("Only for those without an account"), required=False, initial=True
    )


class RobotForm(forms.ModelForm):
    """The model's own validation (RobotWebhook.url's validator) decides which addresses are accepted."""

    reporter = forms.ChoiceField(label=gettext_lazy("Department or area"))
    url = forms.URLField(label=gettext_lazy("Webhook address"), max_length=500, assume_scheme="https")

    class Meta:
        model = RobotWebhook
        fields = ["reporter", "kind", "url", "secret"]
        labels = {"kind": gettext_lazy("Kind"), "secret": gettext_lazy("Signing secret (DingTalk, optional)")}

    def __init__(self, *args, reporters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.reporters = {r.key: r for r in reporters}
        self.fields["reporter"].choices = [(r.key, r.name) for r in reporters]

    def clean(self):
        data = super().clean()
        rep = self.reporters.get(data.get("reporter"))
        if rep is not None:  # before the model's validation, which needs the area
            self.instance.org_unit, self.instance.department = rep.org_unit, rep.department
        return data


def _plan(request, plan_id: int) -> Plan:
    # a plan outside the user's area is not found at all (a sibling learns nothing); a visible one is refused
    plan = get_object_or_404(scopes.visible_plans(request.user, Plan.objects.select_related("org_unit")), pk=plan_id)
    if not scopes.can_manage_people(request.user, plan):
        raise PermissionDenied(_("Only the committee office of this plan manages its reporters' accounts."))
    return remember(request, plan)


@login_required
def index(request):
    plan = current_plan(request)
    if plan is None or not scopes.can_manage_people(request.user, plan):
        raise PermissionDenied(_("Only the committee office of this plan manages its reporters' accounts."))
    return redirect("people:plan", plan_id=plan.pk)


@login_required
def plan_people(request, plan_id: int):
    plan = _plan(request, plan_id)
    reporters = S.reporters(plan)
    create_form = CreateAccountsForm()
    robot_form = RobotForm(reporters=reporters)
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "create":
            create_form = CreateAccountsForm(request.POST)
            if create_form.is_valid():
                users = S.create_accounts(
                    plan,
                    create_form.cleaned_data["per_reporter"],
                    only_missing=create_form.cleaned_data["only_missing"],
                    by=request.user,
                )
                messages.success(
                    request,
                    _("%(n)s accounts created. Print or download the sign-in sheet and hand it out.")
                    % {"n": len(users)},
                )
                return redirect("people:plan", plan_id=plan.pk)
        elif what == "assign":
            departments = {d.pk: d for d in Department.objects.filter(org_unit=plan.org_unit)}
            actions = {a.pk: a for a in plan.actions.all()}
            leads, chosen = {}, {}
            for key, value in request.POST.items():
                if key.startswith("lead-") and key[5:].isdigit() and value.isdigit() and int(value) in departments:
                    leads[int(key[5:])] = departments[int(value)]
                if key.startswith("action-") and key[7:].isdigit() and value.isdigit() and int(value) in actions:
                    chosen[int(key[7:])] = actions[int(value)]
            counts = S.assign_leads(plan, leads, chosen)
            messages.success(
                request,
                _("%(n)s assignments made; %(c)s items now owed by their departments.")
                % {"n": len(leads) + len(chosen), "c": counts["created"]},
            )
            return redirect("people:plan", plan_id=plan.pk)
        elif what == "robot":
            robot_form = RobotForm(request.POST, reporters=reporters)
            if robot_form.is_valid():
                robot_form.save()
                rep = robot_form.reporters[robot_form.cleaned_data["reporter"]]
                messages.success(request, _("Group robot added for %(unit)s.") % {"unit": rep.name})
                return redirect(f"{reverse('people:plan', args=[plan.pk])}#robots")
        elif what == "robot-delete":
            RobotWebhook.objects.filter(
                pk=request.POST.get("robot") or 0, org_unit__path__startswith=plan.org_unit.path
            ).delete()
            messages.success(request, _("Group robot removed."))
            return redirect(f"{reverse('people:plan', args=[plan.pk])}#robots")
    status = 400 if (create_form.errors or robot_form.errors) else 200
    return render(
        request,
        "people/plan.html",
        {
            "plan": plan,
            "reporters": reporters,
            "create_form": create_form,
            "robot_form": robot_form,
            "unassigned": S.unassigned_actions(plan),
            "unassigned_count": unassigned_items(plan).count(),
            "unassigned_indicators": S.unassigned_indicators(plan),
            "actions": plan.actions.select_related("lead_department").order_by("number"),
            "departments": plan.org_unit.departments.order_by("name"),
            "without": sum(1 for r in reporters if not r.accounts),
        },
        status=status,
    )


@login_required
@require_POST
def account(request, plan_id: int, user_id: int):
    plan = _plan(request, plan_id)
    user = get_object_or_404(get_user_model(), pk=user_id)
    if not scopes.can_manage_account(request.user, plan, user):
        raise PermissionDenied(_("This account is not one of your plan's reporters."))
    what = request.POST.get("what")
    if what == "reset" and request.POST.get("confirm") != "1":
        # re-issuing voids the link already handed out: asked for on purpose, after saying so
        return render(request, "people/confirm_reset.html", {"plan": plan, "account": user})
    if what == "reset":
        S.reset_account(user, by=request.user)
        messages.success(
            request,
            _("The password of %(u)s was reset; a new invitation link is on the sign-in sheet.") % {"u": user.username},
        )
    elif what == "deactivate":
        S.set_active(user, False, by=request.user)
        messages.success(request, _("%(u)s can no longer sign in.") % {"u": user.username})
    elif what == "activate":
        S.set_active(user, True, by=request.user)
        messages.success(request, _("%(u)s can sign in again.") % {"u": user.username})
    return redirect("people:plan", plan_id=plan.pk)


@login_required
def sheet(request, plan_id: int):
    """The sign-in sheet: a printable page, or an .xlsx with ?format=xlsx."""
    plan = _plan(request, plan_id)
    rows = S.sheet_rows(plan, base_url=request.build_absolute_uri("/")[:-1])
    if request.GET.get("format") == "xlsx":
        return xlsx_download(S.sheet_xlsx(plan, rows), f"sign-in-sheet-{plan.pk}.xlsx")
    return render(request, "people/sheet.html", {"plan": plan, "rows": rows})


class WelcomeView(PasswordResetConfirmView):
    """Set your password from an invitation link (first use); the link then stops working."""

    template_name = "people/welcome.html"
    success_url = reverse_lazy("login")
    reset_url_token = "set-password"

    def form_valid(self, form):
        messages.success(self.request, _("Your password is set. Sign in with your user name and the new password."))
        AccountEvent.objects.create(user=self.user, kind=AccountEventKind.PASSWORD_SET, actor=None)
        return super().form_valid(form)


@login_required
def account_history(request):
    """What was done to the signed-in person's account: created, resets (by whom), passwords set, deactivations."""
    events = AccountEvent.objects.filter(user=request.user).select_related("actor")[:200]
    return render(request, "people/history.html", {"events": events})


def show_account_events(sender, request, user, **kwargs):
    """At sign-in, tell the person what others did to their account since (user_logged_in, connected in apps)."""
    for event in S.unseen_events(user):
        messages.warning(request, S.event_text(event), fail_silently=True)


# ---- offices of the areas below (issue 23) ---------------------------------------------------------------


def _lower_area(request, code: str):
    unit = scopes.lower_areas(request.user).filter(code=code).first()
    if unit is None or not scopes.may_invite_office(request.user, unit):
        raise Http404(_("No such area below yours."))
    return unit


@login_required
def offices(request):
    """The office's page of the areas below it: invite their offices, set up their departments."""
    own = scopes.office_units(request.user)
    if not own:
        raise PermissionDenied(_("Only a committee office invites the offices of the areas below it."))
    areas = scopes.lower_areas(request.user).order_by("path")
    invited = None
    if request.method == "POST" and request.POST.get("what") == "invite":
        unit = _lower_area(request, request.POST.get("area", ""))
        user = S.invite_office(unit)
        messages.success(
            request, _("Created the account %(u)s for the office of %(a)s.") % {"u": user.username, "a": unit.name}
        )
        # after the POST a page of its own: reloading it shows the same link and creates no second account
        return redirect(f"{reverse('people:offices')}?invited={user.username}")
    if request.GET.get("invited"):
        account = get_user_model().objects.filter(username=request.GET["invited"]).first()
        held = S.office_accounts(areas.filter(memberships__user=account)) if account else {}
        unit = next((u for u in areas if u.pk in held), None)
        if unit is not None and account.is_active and not account.has_usable_password():
            invited = {
                "unit": unit,
                "user": account,
                "link": request.build_absolute_uri(S.invitation_path(account)),
                "expires": S.invitation_expires(),
            }
    elif request.method == "POST" and request.POST.get("what") == "departments":
        unit = _lower_area(request, request.POST.get("area", ""))
        lines = request.POST.get("departments", "").splitlines()
        created = S.set_up_departments(unit, lines)
        messages.success(request, _("%(n)s departments created for %(a)s.") % {"n": created, "a": unit.name})
        return redirect(f"{reverse('people:offices')}?area={unit.code}")
    chosen = None
    proposal = ""
    if request.GET.get("area"):
        chosen = _lower_area(request, request.GET["area"])
        source = next(u for u in reversed(own) if chosen.path.startswith(u.path))
        existing = list(chosen.departments.prefetch_related("aliases"))
        if existing:
            proposal = "\n".join(" = ".join([d.name, *(a.alias for a in d.aliases.all())]) for d in existing)
        else:
            proposal = "\n".join(" = ".join([n, *aliases]) for n, aliases in S.proposed_departments(source, chosen))
    children = [u for u in areas if u.parent_id in {o.pk for o in own}]
    accounts = S.office_accounts(areas)
    rows = [{"unit": u, "accounts": accounts.get(u.pk, [])} for u in areas if u in children or u.pk in accounts]
    return render(
        request,
        "people/offices.html",
        {
            "own": own,
            "areas": areas,
            "rows": rows,
            "invited": invited,
            "chosen": chosen,
            "proposal": proposal,
        },
    )
