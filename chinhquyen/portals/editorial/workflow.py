"""The editorial workflow of a portal: writer → editor → approver (the editorial board).

Each portal (its home page; a component portal has its own Wagtail ``Site`` only when
``PORTAL_HOST`` is set, so the home page is what identifies it) gets, from
:func:`ensure_workflow` (idempotent; to be called when the portal is created):

- three groups, each with access to the Wagtail admin:

  * **writers** (``Phóng viên cổng: <portal>``): add and edit pages of the portal (drafts) and
    submit them; they cannot publish;
  * **editors** (``Biên tập cổng: <portal>``): the same page rights; the workflow's first step
    (edit, request changes or pass on);
  * **approvers** (``Duyệt đăng cổng: <portal>``, the editorial board): also publish and
    unpublish; the workflow's last step, whose approval publishes the page (or schedules it,
    when it has a go-live date);

  page permissions are given on the portal's home page, so they cover its pages (Wagtail's
  permissions run down the page tree; the main portal's groups therefore also reach the
  component portals below ``/cong/``, the province's board overseeing them);
- the collection of images and documents of the portal (named as the portal), which the
  three groups may add to, edit and choose from;
- a workflow (``Quy trình biên tập: <portal>``) of two group approval tasks, editors then
  approvers, assigned to the portal's home page: it applies to every page of the portal (a
  component portal's own workflow is nearer than the main portal's).

Nobody but the approvers holds "publish" on a portal: a writer's or an editor's only way to
publish is to submit the page to the workflow. The group names are those of
``chinhquyen.portals.sites`` (editors, approvers), which creates them with the portal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

NAME_MAX_LENGTH = 150  # Group.name

WRITER_PAGE_RIGHTS = ("add_page", "change_page", "lock_page")
EDITOR_PAGE_RIGHTS = ("add_page", "change_page", "lock_page", "unlock_page")
APPROVER_PAGE_RIGHTS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_RIGHTS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)


@dataclass(frozen=True)
class Editorial:
    home: Page
    writers: Group
    editors: Group
    approvers: Group
    collection: Collection
    workflow: Workflow


def _home(portal: Site | Page) -> Page:
    return portal.root_page if isinstance(portal, Site) else portal


def _title(home: Page) -> str:
    return str(home.title)


def _name(prefix: str, title: str) -> str:
    return f"{prefix}{title}"[:NAME_MAX_LENGTH]


def writers_group_name(portal: Site | Page) -> str:
    return _name("Phóng viên cổng: ", _title(_home(portal)))


def editors_group_name(portal: Site | Page) -> str:
    return _name("Biên tập cổng: ", _title(_home(portal)))


def approvers_group_name(portal: Site | Page) -> str:
    return _name("Duyệt đăng cổng: ", _title(_home(portal)))


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def _admin_access() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def _group(name: str, page: Page, rights: tuple[str, ...]) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(_admin_access())
    wanted = {_page_permission(codename).pk for codename in rights}
    existing = GroupPagePermission.objects.filter(group=group, page=page)
    existing.exclude(permission_id__in=wanted).delete()  # e.g. "publish" given by another setup
    have = set(existing.values_list("permission_id", flat=True))
    for permission_id in wanted - have:
        GroupPagePermission.objects.create(group=group, page=page, permission_id=permission_id)
    return group


def _collection(home: Page) -> Collection:
    name = _title(home)[:255]
    root = Collection.get_first_root_node()
    found = root.get_children().filter(name=name).first()
    if found is not None:
        return found  # type: ignore[no-any-return]
    return root.add_child(name=name)  # type: ignore[no-any-return]


def _collection_rights(group: Group, collection: Collection) -> None:
    for app_label, codename in COLLECTION_RIGHTS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=permission
        )


def _task(name: str, group: Group) -> GroupApprovalTask:
    task = GroupApprovalTask.objects.filter(name=name).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=name[:255])
    task.groups.set([group])
    return task


@transaction.atomic
def ensure_workflow(portal: Site | Page) -> Editorial:
    """Groups, collection and workflow of the portal whose home (or site) is ``portal``; safe
    to call again."""
    root = _home(portal)
    title = _title(root)
    writers = _group(writers_group_name(root), root, WRITER_PAGE_RIGHTS)
    editors = _group(editors_group_name(root), root, EDITOR_PAGE_RIGHTS)
    approvers = _group(approvers_group_name(root), root, APPROVER_PAGE_RIGHTS)
    collection = _collection(root)
    for group in (writers, editors, approvers):
        _collection_rights(group, collection)
    workflow, _ = Workflow.objects.get_or_create(name=_name("Quy trình biên tập: ", title)[:255])
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    steps = [
        _task(_name("Biên tập — ", title), editors),
        _task(_name("Duyệt đăng — ", title), approvers),
    ]
    WorkflowTask.objects.filter(workflow=workflow).exclude(
        task_id__in=[t.pk for t in steps]
    ).delete()
    for order, step in enumerate(steps):
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=step, defaults={"sort_order": order}
        )
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return Editorial(
        home=root,
        writers=writers,
        editors=editors,
        approvers=approvers,
        collection=collection,
        workflow=workflow,
    )
