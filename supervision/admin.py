"""Officials' admin of “two randoms, one public”: pools, shares per grade, plans, draws,
results.

Publishing plans, drawing and publishing draws are admin actions that call the services;
draws are read-only (a published draw is never changed; a redraw is a new draw)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.admin.base import GuardedModelAdmin
from core.exceptions import DomainError
from enterprises.models import CreditCommitment

from . import services
from .models import Conflict, Draw, GradeShare, Inspection, InspectionPlan, Inspector, KeyIndustry


def _refusal(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(getattr(error, "message", error))


class ConflictInline(admin.TabularInline):
    model = Conflict
    extra = 0
    autocomplete_fields = ["subject"]


@admin.register(Inspector)
class InspectorAdmin(GuardedModelAdmin):
    list_display = ["name", "department", "active"]
    list_filter = ["department", "active"]
    search_fields = ["name"]
    inlines = [ConflictInline]


@admin.register(Conflict)
class ConflictAdmin(GuardedModelAdmin):
    list_display = ["inspector", "subject", "reason", "declared_on"]
    autocomplete_fields = ["subject", "inspector"]


@admin.register(GradeShare)
class GradeShareAdmin(GuardedModelAdmin):
    """Default shares drawn per grade stratum by non-targeted plans (rules.md §9.2); a
    plan's own shares override them."""

    list_display = ["grade", "share"]


@admin.register(KeyIndustry)
class KeyIndustryAdmin(GuardedModelAdmin):
    list_display = ["industry", "note"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(GuardedModelAdmin):
    list_display = ["title", "department", "period_start", "period_end", "targeted", "status"]
    list_filter = ["status", "targeted", "department"]
    readonly_fields = ["status", "published_at"]
    actions = ["publish", "draw"]

    @admin.action(description=_("Publish the selected plans"))
    def publish(self, request: HttpRequest, queryset: QuerySet[InspectionPlan]) -> None:
        actor = Actor.for_user(request.user)
        for plan in queryset:
            try:
                services.plan_publish(actor=actor, plan=plan)
            except (DomainError, ValidationError) as error:
                self.message_user(request, f"{plan}: {_refusal(error)}", messages.ERROR)

    @admin.action(description=_("Draw objects and inspectors for the selected plans"))
    def draw(self, request: HttpRequest, queryset: QuerySet[InspectionPlan]) -> None:
        actor = Actor.for_user(request.user)
        for plan in queryset:
            try:
                draw = services.draw_create(actor=actor, plan=plan)
            except (DomainError, ValidationError) as error:
                self.message_user(request, f"{plan}: {_refusal(error)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(plan)s: %(n)s objects drawn.")
                    % {"plan": plan, "n": len(draw.result["objects"])},
                )


class InspectionInline(admin.TabularInline):
    model = Inspection
    extra = 0
    can_delete = False
    fields = ["subject", "inspected_on", "outcome", "published_on"]
    readonly_fields = ["subject", "inspected_on", "outcome", "published_on"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Draw)
class DrawAdmin(GuardedModelAdmin):
    list_display = ["__str__", "created_at", "created_by_label", "published", "supersedes"]
    list_filter = ["published"]
    inlines = [InspectionInline]
    actions = ["publish"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Draw._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # draws are made by the "draw" action on plans

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Publish the selected draws"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Draw]) -> None:
        actor = Actor.for_user(request.user)
        for draw in queryset:
            try:
                services.draw_publish(actor=actor, draw=draw)
            except (DomainError, ValidationError) as error:
                self.message_user(request, f"{draw}: {_refusal(error)}", messages.ERROR)


@admin.register(Inspection)
class InspectionAdmin(GuardedModelAdmin):
    list_display = ["subject", "draw", "inspected_on", "outcome", "published_on"]
    list_filter = ["outcome"]
    fields = ["draw", "subject", "inspectors", "inspected_on", "outcome", "findings"]
    readonly_fields = ["draw", "subject", "inspectors", "published_on", "penalty_record"]
    actions = ["publish"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Inspection, form: Any, change: bool) -> None:
        # The outcome goes through the service: a referral creates the negative record.
        try:
            services.inspection_result_record(
                actor=Actor.for_user(request.user),
                inspection=obj,
                inspected_on=form.cleaned_data["inspected_on"],
                outcome=form.cleaned_data["outcome"],
                findings=form.cleaned_data["findings"],
            )
        except (DomainError, ValidationError) as error:
            self.message_user(request, _refusal(error), messages.ERROR)

    @admin.action(description=_("Publish the selected results"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Inspection]) -> None:
        actor = Actor.for_user(request.user)
        for inspection in queryset:
            try:
                services.inspection_publish(actor=actor, inspection=inspection)
            except (DomainError, ValidationError) as error:
                self.message_user(request, f"{inspection}: {_refusal(error)}", messages.ERROR)


class CreditCommitmentForm(forms.ModelForm):
    """Says the service's refusal (rules.md §10: black list in force, serious negative
    information in publicity) on the subject field instead of as an error page."""

    class Meta:
        model = CreditCommitment
        fields = ("subject", *services.COMMITMENT_FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}  # a ModelForm's clean() returns its cleaned_data
        subject, day = cleaned.get("subject"), cleaned.get("committed_on")
        if self.instance.pk is None and subject is not None and day is not None:
            refusal = services.commitment_refusal(subject, on=day)
            if refusal is not None:
                self.add_error("subject", refusal)
        return cleaned


@admin.register(CreditCommitment)
class CreditCommitmentAdmin(GuardedModelAdmin):
    """Commitments are entered here, through ``services.commitment_create``; fulfilment is
    recorded by the accepting unit through the action, and an unkept one is processed by
    the nightly job."""

    form = CreditCommitmentForm

    list_display = ["subject", "commitment_type", "committed_on", "promised_by", "state"]
    list_filter = ["state", "commitment_type", "accepting_unit"]
    search_fields = ["=subject__uscc", "subject__name"]
    autocomplete_fields = ["subject"]
    readonly_fields = ["state", "fulfilled_on", "recorded_by", "negative_record"]
    actions = ["fulfil_today"]

    def save_model(
        self, request: HttpRequest, obj: CreditCommitment, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.commitment_create(
            actor=Actor.for_user(request.user),
            subject=obj.subject,
            data={name: getattr(obj, name) for name in services.COMMITMENT_FIELDS},
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db

    @admin.action(description=_("Record the selected commitments as fulfilled today"))
    def fulfil_today(self, request: HttpRequest, queryset: QuerySet[CreditCommitment]) -> None:
        actor = Actor.for_user(request.user)
        for commitment in queryset:
            try:
                services.commitment_fulfil(
                    actor=actor, commitment=commitment, fulfilled_on=timezone.localdate()
                )
            except (DomainError, ValidationError) as error:
                self.message_user(request, f"{commitment}: {_refusal(error)}", messages.ERROR)
