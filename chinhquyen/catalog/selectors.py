"""Reads of the procedure catalogue. The published catalogue is public; drafts are for
catalogue managers only (``version_for_manager``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from chinhquyen.core.api import DomainError
from chinhquyen.core.collation import vi_sort
from chinhquyen.core.search import words_filter
from chinhquyen.core.text import normalize_search
from chinhquyen.orgs.models import Organisation, OrganisationKind

from .models import (
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredPaper,
    VersionStatus,
)
from .permissions import can_manage_catalog


def _competent_filter(organisation: Organisation) -> Q:
    """Versions handled by ``organisation`` (explicitly, or as any commune committee)."""
    through = ProcedureVersion.competent_organisations.through
    explicit = Exists(
        through.objects.filter(procedureversion_id=OuterRef("pk"), organisation_id=organisation.pk)
    )
    cond = Q(explicit)
    if organisation.kind == OrganisationKind.COMMUNE_COMMITTEE:
        cond |= Q(competent_all_communes=True)
    return cond


def procedure_search(
    *,
    q: str | None = None,
    field: Field | str | None = None,
    level: str | None = None,
    online_level: int | None = None,
    organisation: Organisation | None = None,
    on: dt.date | None = None,
) -> QuerySet[ProcedureVersion]:
    """Published versions in force on ``on`` (today), matching the filters.

    ``q`` is accent- and case-insensitive ("dang ky khai sinh" finds "Đăng ký khai sinh"); every
    word must be a whole word of the name or the code (``core.search``), or the query the beginning
    of a code. Ordered by relevance (exact code, code prefix,
    name starting with the phrase, name containing the phrase, all words), then by name.
    ``field`` is a Field or a field code.
    """
    qs = (
        ProcedureVersion.objects.valid_on(on)
        .select_related("procedure", "procedure__field")
        .prefetch_related(Prefetch("fees", queryset=Fee.objects.order_by("order", "pk")))
    )
    if field is not None and field != "":
        qs = (
            qs.filter(procedure__field__code=field)
            if isinstance(field, str)
            else qs.filter(procedure__field=field)
        )
    if level:
        qs = qs.filter(procedure__level=level)
    if online_level is not None:
        qs = qs.filter(online_level=online_level)
    if organisation is not None:
        qs = qs.filter(_competent_filter(organisation))

    phrase = normalize_search(q)
    if not phrase:
        return qs.order_by(vi_sort("name"), "procedure__code")
    code_phrase = phrase.replace(" ", "")
    # every word a whole word of the name or the code ("chung thuc" is not in "thuctap"), or
    # the beginning of a code ("1.0011")
    qs = qs.filter(words_filter(q) | Q(procedure__code__istartswith=code_phrase))
    # The search text is "<name> <code>", normalised.
    relevance = Case(
        When(procedure__code__iexact=code_phrase, then=Value(0)),
        When(procedure__code__istartswith=code_phrase, then=Value(1)),
        When(search_text__startswith=phrase, then=Value(2)),
        When(search_text__contains=f" {phrase}", then=Value(3)),
        When(search_text__contains=phrase, then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )
    return qs.annotate(relevance=relevance).order_by(
        "relevance", vi_sort("name"), "procedure__code"
    )


def procedure_version_current(
    procedure: Procedure | str, on: dt.date | None = None
) -> ProcedureVersion | None:
    """The published version of ``procedure`` (instance or code) in force on ``on``."""
    qs = ProcedureVersion.objects.valid_on(on).select_related("procedure", "procedure__field")
    if isinstance(procedure, Procedure):
        qs = qs.filter(procedure=procedure)
    else:
        qs = qs.filter(procedure__code=procedure)
    return qs.order_by("-valid_from").first()


def _with_details(qs: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    return qs.select_related("procedure", "procedure__field").prefetch_related(
        Prefetch("fees", queryset=Fee.objects.order_by("order", "pk")),
        Prefetch("papers", queryset=RequiredPaper.objects.order_by("order", "pk")),
        Prefetch(
            "steps",
            queryset=ProcessStep.objects.select_related(
                "responsible_unit", "external_organisation"
            ).order_by("order", "pk"),
        ),
        Prefetch("competent_organisations", queryset=Organisation.objects.order_by("path")),
    )


def procedure_detail(code: str, on: dt.date | None = None) -> ProcedureVersion | None:
    """The version in force of the procedure ``code`` with fees, papers, steps and competent
    organisations prefetched (None when the procedure is not offered)."""
    return (
        _with_details(ProcedureVersion.objects.valid_on(on).filter(procedure__code=code))
        .order_by("-valid_from")
        .first()
    )


def version_with_details(version_id: int) -> ProcedureVersion | None:
    return _with_details(ProcedureVersion.objects.filter(pk=version_id)).first()


def version_for_dossier(
    *,
    procedure: Procedure | str,
    organisation: Organisation | None = None,
    on: dt.date | None = None,
) -> ProcedureVersion:
    """The version a new dossier is opened under: the published version in force ``on``
    (today). When ``organisation`` (the competent agency chosen) is given, it must be competent
    for the procedure. Raises ``DomainError`` (Vietnamese) otherwise."""
    version = procedure_version_current(procedure, on)
    if version is None:
        raise DomainError(
            "Thủ tục chưa được công bố hoặc không còn hiệu lực, không thể tiếp nhận hồ sơ.",
            code="procedure_not_available",
        )
    if organisation is not None and not is_competent(version, organisation):
        raise DomainError(
            f"{organisation.name} không có thẩm quyền giải quyết thủ tục này.",
            code="not_competent",
        )
    return version


def is_competent(version: ProcedureVersion, organisation: Organisation) -> bool:
    return (
        ProcedureVersion.objects.filter(pk=version.pk)
        .filter(_competent_filter(organisation))
        .exists()
    )


def competent_organisations(
    version: ProcedureVersion, on: dt.date | None = None
) -> QuerySet[Organisation]:
    """Organisations that handle ``version`` on ``on``: the explicit ones plus, when
    ``competent_all_communes``, every commune People's Committee in force."""
    cond = Q(competent_procedure_versions=version)
    if version.competent_all_communes:
        cond |= Q(kind=OrganisationKind.COMMUNE_COMMITTEE)
    return Organisation.objects.active(on).filter(cond).distinct().order_by("path")


def field_list(*, on: dt.date | None = None) -> QuerySet[Field]:
    """Fields with the number of procedures offered on ``on``; fields without any are kept
    (a filter list shows them greyed) — callers may filter ``procedure_count__gt=0``."""
    on = on or timezone.localdate()
    offered = (
        Q(procedures__versions__status=VersionStatus.PUBLISHED)
        & Q(procedures__versions__valid_from__lte=on)
        & (
            Q(procedures__versions__valid_to__isnull=True)
            | Q(procedures__versions__valid_to__gte=on)
        )
    )
    return Field.objects.annotate(
        procedure_count=Count("procedures", filter=offered, distinct=True)
    ).order_by(vi_sort("name"))


def version_for_manager(user: object, version_id: int) -> ProcedureVersion | None:
    """Any version (drafts included) for catalogue managers; None for everyone else."""
    if not can_manage_catalog(user):
        return None
    return version_with_details(version_id)


def draft_of(procedure: Procedure) -> ProcedureVersion | None:
    return procedure.versions.filter(status=VersionStatus.DRAFT).first()


def paper_for_download(*, user: object, code: str, paper_id: int) -> RequiredPaper | None:
    """A required paper whose blank template may be downloaded: papers of published or
    retired versions are public (dossiers opened under them still need the form); drafts'
    papers only for catalogue managers."""
    qs = RequiredPaper.objects.select_related("version", "version__procedure").filter(
        pk=paper_id, version__procedure__code=code
    )
    if not can_manage_catalog(user):
        qs = qs.exclude(version__status=VersionStatus.DRAFT)
    paper = qs.first()
    if paper is None or not paper.template:
        return None
    return paper
