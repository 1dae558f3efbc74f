"""Who may see people by name, and change them.

Personal data is visible to the employing partner's staff, administrators and the program
managers of the clouds a person serves. Executives and other partners see counts only
(people.queries gives counts without names).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clouds.access import PortalUser, managed_clouds, partner_id_of, role_of, visible_clouds
from clouds.choices import UserRole
from clouds.models import Cloud
from people.models import StaffMember


def named_staff(user: PortalUser) -> QuerySet[StaffMember]:
    """Staff whose names and records the user may see."""
    staff = StaffMember.objects.all()
    if not user.is_authenticated:
        return staff.none()
    partner_id = partner_id_of(user)
    role = role_of(user)
    if partner_id is not None:
        # Their own employees, for the partner's staff (and keys); any other role tied to a partner
        # (an executive of the partner) sees counts only, like every executive.
        return staff.filter(employer_id=partner_id) if role == UserRole.PARTNER_STAFF else staff.none()
    if role == UserRole.ADMINISTRATOR:
        return staff
    if role == UserRole.PROGRAM_MANAGER:
        return staff.filter(Q(clouds__in=managed_clouds(user))).distinct()
    return staff.none()


def editable_staff(user: PortalUser) -> QuerySet[StaffMember]:
    """Staff the user may change: the same people as they may see by name (executives none)."""
    return named_staff(user) if may_write_people(user) else StaffMember.objects.none()


def may_write_people(user: PortalUser) -> bool:
    """Partner staff (their own employees; partner keys act as such), program managers and administrators."""
    if not user.is_authenticated:
        return False
    role = role_of(user)
    if partner_id_of(user) is not None:
        return role == UserRole.PARTNER_STAFF
    return role in (UserRole.ADMINISTRATOR, UserRole.PROGRAM_MANAGER)


def assignable_clouds(user: PortalUser) -> QuerySet[Cloud]:
    """Clouds the user may put people on: a partner's clouds, a program manager's managed clouds."""
    if not may_write_people(user):
        return Cloud.objects.none()
    if partner_id_of(user) is not None:
        return visible_clouds(user)
    return managed_clouds(user)
