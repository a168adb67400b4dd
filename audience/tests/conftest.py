import pytest
from django.contrib.auth.models import Group


def _member(django_user_model, group_name: str):
    user = django_user_model.objects.create_user(username=group_name.lower(), password="pw-for-tests")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db, django_user_model):
    """A member of the Editor group, as the admin's users are: not a superuser."""
    return _member(django_user_model, "Editor")


@pytest.fixture
def contributor(db, django_user_model):
    return _member(django_user_model, "Contributor")


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-for-tests")
