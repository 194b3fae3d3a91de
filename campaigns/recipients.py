"""Who the yearly collection writes to: a member city's editors (its contacts) and the Association's
editors (the moderators' digest). People without an e-mail address are nobody's contact."""

from reports.notifications import association_editors, municipality_editors


def city_contacts(municipality_id) -> list:
    return _with_address(municipality_editors(municipality_id))


def moderators() -> list:
    return _with_address(association_editors())


def _with_address(users) -> list:
    by_address = {}
    for user in users.distinct().order_by("pk"):
        if user.email:
            by_address.setdefault(user.email.lower(), user)
    return list(by_address.values())
