"""Helpers for the back-office tests: admin URLs, what a browser would post, and
small readers of the rendered HTML (forms, selects)."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.urls import reverse

from reports.models import Report
from reports.status import Status

ITEM_SECTIONS = ("achievements", "problems", "tasks", "proposals")
DOES_NOT_EXIST = "не существует"
LOGIN_PATH = reverse("admin:login")


# --- URLs ---------------------------------------------------------------------------------


def admin_urls(report, history_id=None, event_id=None):
    """Every admin URL of one report, by a short name."""
    pk = report.pk
    if history_id is None:
        history_id = report.history.order_by("history_id").values_list("history_id", flat=True).first()
    if event_id is None:
        event_id = report.events.order_by("id").values_list("id", flat=True).first()
    urls = {
        "changelist": reverse("admin:reports_report_changelist"),
        "add": reverse("admin:reports_report_add"),
        "change": reverse("admin:reports_report_change", args=[pk]),
        "delete": reverse("admin:reports_report_delete", args=[pk]),
        "history": reverse("admin:reports_report_history", args=[pk]),
        "versions": reverse("admin:reports_report_versions", args=[pk]),
        "version_diff": reverse("admin:reports_report_version_diff", args=[pk]),
    }
    if history_id is not None:
        urls["history_record"] = reverse("admin:reports_report_simple_history", args=[pk, history_id])
    if event_id is not None:
        urls["version"] = reverse("admin:reports_report_version", args=[pk, event_id])
    return urls


def transition_url(report, name):
    return reverse("admin:reports_report_transition", args=[report.pk, name])


def item_admin_urls(item, history_id=None):
    """Every admin URL of one report item (achievement/problem/task/proposal)."""
    name = type(item)._meta.model_name
    if history_id is None:
        history_id = item.history.order_by("history_id").values_list("history_id", flat=True).first()
    return {
        "changelist": reverse(f"admin:reports_{name}_changelist"),
        "add": reverse(f"admin:reports_{name}_add"),
        "change": reverse(f"admin:reports_{name}_change", args=[item.pk]),
        "delete": reverse(f"admin:reports_{name}_delete", args=[item.pk]),
        "history": reverse(f"admin:reports_{name}_history", args=[item.pk]),
        "history_record": reverse(f"admin:reports_{name}_simple_history", args=[item.pk, history_id]),
    }


# --- what a browser posts -----------------------------------------------------------------


def _item_fields(section, prefix, index, item, report_pk):
    row = {
        f"{prefix}-{index}-id": item.pk,
        f"{prefix}-{index}-report": report_pk,
        f"{prefix}-{index}-position": item.position,
        f"{prefix}-{index}-text": item.text,
    }
    if section == "tasks":
        row[f"{prefix}-{index}-year"] = item.year
    if section == "proposals":
        row[f"{prefix}-{index}-kind"] = item.kind
    return row


def report_form_data(report=None, **overrides):
    """The POST of the report change form as the page would send it unchanged
    (or of an empty add form when report is None), plus overrides."""
    data = {}
    if report is None:
        data.update({"year": "", "municipality": ""})
    else:
        report = Report.objects.get(pk=report.pk)
        data.update({"year": report.year, "expected_version": report.version})
    for section in ITEM_SECTIONS:
        items = list(getattr(report, section).order_by("position", "id")) if report else []
        data.update(management(section, total=len(items), initial=len(items)))
        for index, item in enumerate(items):
            data.update(_item_fields(section, section, index, item, report.pk))
    data.update(overrides)
    return data


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def item_form_data(item, **overrides):
    """The POST of an item's change form (or of a revert), unchanged, plus overrides."""
    item = type(item).objects.get(pk=item.pk)
    data = {
        "position": item.position,
        "text": item.text,
        "expected_version": Report.objects.get(pk=item.report_id).version,
    }
    if hasattr(item, "year"):
        data["year"] = item.year
    if hasattr(item, "kind"):
        data["kind"] = item.kind
    data.update(overrides)
    return data


# --- reading responses --------------------------------------------------------------------


def text_of(response) -> str:
    return response.content.decode()


def assert_login_redirect(response, url):
    assert response.status_code == 302, response.status_code
    location = urlsplit(response["Location"])
    assert location.path == LOGIN_PATH
    assert f"next={url}" in response["Location"].replace("%2F", "/")


class _FormParser(HTMLParser):
    """Collects the fields of one form the way a browser would submit them."""

    def __init__(self, form_id=None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self._textarea = None
        self._select = None

    def _wanted(self, attrs):
        if self.form_id is not None:
            return attrs.get("id") == self.form_id
        return (attrs.get("method") or "").lower() == "post" and attrs.get("id") != "logout-form"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.in_form and not self.done and self._wanted(attrs):
            self.in_form = True
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        disabled = "disabled" in attrs
        if tag == "input" and name and not disabled:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name and not disabled:
            self._textarea = [name, ""]
        elif tag == "select" and name and not disabled:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["selected"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if not self.in_form:
            return
        if tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            self.fields.append((name, value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            s = self._select
            chosen = s["selected"] or ([] if s["multiple"] or not s["options"] else s["options"][:1])
            self.fields.extend((s["name"], v) for v in chosen)
            self._select = None
        elif tag == "form":
            self.in_form = False
            self.done = True


def form_fields(response, form_id=None) -> dict:
    """{name: value} of the first POST form of the page (or the form with this id);
    a field posted several times keeps its last value."""
    parser = _FormParser(form_id)
    parser.feed(text_of(response))
    assert parser.done, "no such form on the page"
    return dict(parser.fields)


class _SelectParser(HTMLParser):
    def __init__(self, name):
        super().__init__(convert_charrefs=True)
        self.name = name
        self.inside = False
        self.found = False
        self.options: list[tuple[str, str]] = []
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select" and attrs.get("name") == self.name:
            self.inside = self.found = True
        elif tag == "option" and self.inside:
            self._option = [attrs.get("value", ""), ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self.options.append((self._option[0], self._option[1].strip()))
            self._option = None
        elif tag == "select" and self.inside:
            self.inside = False


def select_options(response, name) -> list[tuple[str, str]]:
    """(value, label) of every option of the <select name=…> on the page."""
    parser = _SelectParser(name)
    parser.feed(text_of(response))
    assert parser.found, f"no <select name={name!r}> on the page"
    return parser.options


# --- the state of the database, to prove "nothing changed" ----------------------------------


def report_state(pk):
    """Everything a refused request must leave as it was (None once the report is gone)."""
    report = Report.objects.filter(pk=pk).first()
    if report is None:
        return None
    return {
        "status": report.status,
        "version": report.version,
        "year": report.year,
        "municipality": report.municipality_id,
        "events": report.events.count(),
        **{
            section: list(getattr(report, section).order_by("position", "id").values_list("pk", "position", "text"))
            for section in ITEM_SECTIONS
        },
    }


def assert_refused(client, response, how, *secrets):
    """`how` is "403"; "404" for the report admin's own pages, which find the report through the
    user's queryset; or "missing" for Django's own change/delete views, which send a user to the
    admin index with "… не существует" when the object is outside their queryset."""
    if how in ("403", "404"):
        assert response.status_code == int(how), response.status_code
    elif how == "missing":
        assert response.status_code == 302, response.status_code
        assert response["Location"] == reverse("admin:index")
        landing = client.get(response["Location"])
        assert landing.status_code == 200
        assert DOES_NOT_EXIST in text_of(landing)
        for secret in secrets:
            assert secret not in text_of(landing)
    else:  # pragma: no cover - a typo in a test table
        raise AssertionError(how)
    for secret in secrets:
        assert secret not in text_of(response)


# Who may edit a Саяногорск report in which status (reports.permissions, written out by hand).
EDITABLE = [
    ("city", Status.DRAFT, True),
    ("city", Status.CHANGES_REQUESTED, True),
    ("city", Status.SUBMITTED, False),
    ("city", Status.PUBLISHED, False),
    ("city", Status.WITHDRAWN, False),
    ("moderator", Status.DRAFT, True),
    ("moderator", Status.SUBMITTED, True),
    ("moderator", Status.CHANGES_REQUESTED, True),
    ("moderator", Status.PUBLISHED, True),
    ("moderator", Status.WITHDRAWN, False),
]
