"""Which clouds a user may see. Every page, API view, export and admin queryset asks here."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from clouds.choices import UserRole
from clouds.models import Cloud, Partner, Profile

PortalUser = AbstractBaseUser | AnonymousUser

_ROLES_SEEING_ALL = {UserRole.ADMINISTRATOR, UserRole.PROGRAM_MANAGER, UserRole.EXECUTIVE}


def profile_of(user: PortalUser) -> Profile | None:
    """The user's profile, or None for anonymous users and users without one."""
    if not user.is_authenticated:
        return None
    try:
        return user.profile  # type: ignore[union-attr]
    except Profile.DoesNotExist:
        return None


def role_of(user: PortalUser) -> str | None:
    """The user's portal role; a superuser without a profile counts as an administrator."""
    profile = profile_of(user)
    if profile is not None:
        return profile.role
    if user.is_authenticated and user.is_superuser:
        return UserRole.ADMINISTRATOR
    return None


def partner_id_of(user: PortalUser) -> int | None:
    profile = profile_of(user)
    return profile.partner_id if profile is not None else None


def visible_clouds(user: PortalUser) -> QuerySet[Cloud]:
    """Clouds the user may see.

    Belonging to a partner narrows the view to the clouds that partner works on,
    whatever the role; otherwise administrators, program managers and executives
    see every cloud, and anyone else sees none.
    """
    clouds = Cloud.objects.all()
    if not user.is_authenticated:
        return clouds.none()
    partner_id = partner_id_of(user)
    if partner_id is not None:
        # (cloud, partner) is unique, so this join yields each cloud once.
        return clouds.filter(partner_links__partner_id=partner_id)
    if role_of(user) in _ROLES_SEEING_ALL:
        return clouds
    return clouds.none()


def managed_clouds(user: PortalUser) -> QuerySet[Cloud]:
    """Visible clouds whose checklists the user may change (README "Editing checklists")."""
    role = role_of(user)
    clouds = visible_clouds(user)
    if role == UserRole.ADMINISTRATOR:
        return clouds
    if role == UserRole.PROGRAM_MANAGER:
        return clouds.filter(program_managers=user)
    if role == UserRole.PARTNER_STAFF:
        return clouds
    return clouds.none()


def visible_partners(user: PortalUser) -> QuerySet[Partner]:
    """Partners working on the clouds the user may see (and the user's own partner)."""
    partner_id = partner_id_of(user)
    if partner_id is None and role_of(user) in _ROLES_SEEING_ALL:
        return Partner.objects.all()
    in_scope = Q(cloud_links__cloud__in=visible_clouds(user))
    if partner_id is not None:
        in_scope |= Q(pk=partner_id)
    return Partner.objects.filter(pk__in=Partner.objects.filter(in_scope).values("pk"))


def visible_profiles(user: PortalUser) -> QuerySet[Profile]:
    """Profiles the user may list: a partner's member sees the partner's own people."""
    partner_id = partner_id_of(user)
    if partner_id is not None:
        return Profile.objects.filter(partner_id=partner_id)
    if role_of(user) in _ROLES_SEEING_ALL:
        return Profile.objects.all()
    return Profile.objects.none()


def own_partners(user: PortalUser) -> QuerySet[Partner]:
    """The user's (or key's) own partner; every partner for roles not tied to one."""
    partner_id = partner_id_of(user)
    if partner_id is not None:
        return Partner.objects.filter(pk=partner_id)
    if role_of(user) in _ROLES_SEEING_ALL:
        return Partner.objects.all()
    return Partner.objects.none()


def users_editing_cloud(cloud: Cloud) -> QuerySet:
    """Active users who may change `cloud`'s items: its partners' staff, its program managers, administrators."""
    return (
        get_user_model().objects.filter(is_active=True)
        .filter(
            Q(profile__partner__cloud_links__cloud=cloud, profile__role__in=[UserRole.PARTNER_STAFF,
                                                                             UserRole.ADMINISTRATOR])
            | Q(profile__partner__isnull=True, profile__role=UserRole.ADMINISTRATOR)
            | Q(profile__partner__isnull=True, profile__role=UserRole.PROGRAM_MANAGER, managed_clouds=cloud)
            | Q(profile__isnull=True, is_superuser=True)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
