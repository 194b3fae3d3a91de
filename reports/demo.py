"""Demo content: accounts, the seed municipalities and reports in every workflow state.

Idempotent: running it again creates nothing that is already there. Demo
accounts all have the password "demo" and exist for local trials only.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.roles import ASSOCIATION_EDITORS, MUNICIPAL_EDITORS, sync_roles
from themes import assign as theme_assign

from . import workflow
from .directory import load_directory
from .importer.loader import store_report
from .importer.parser import parse_file
from .models import Achievement, Municipality, Problem, Proposal, ProposalKind, Report, Task
from .status import Status

DEMO_PASSWORD = "demo"

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"

ACCOUNTS = [
    # username, first name, last name, role, municipalities, superuser
    ("admin", "Администратор", "Портала", None, [], True),
    ("moderator", "Мария", "Редакторова", ASSOCIATION_EDITORS, [], False),
    ("sayanogorsk", "Ольга", "Саяногорская", MUNICIPAL_EDITORS, ["Саяногорск"], False),
    ("kogalym", "Игорь", "Когалымский", MUNICIPAL_EDITORS, ["Когалым"], False),
]


@dataclass
class DemoReport:
    municipality: str
    year: int
    status: str
    achievements: list
    problems: list
    tasks: list
    proposals: list


# One report per workflow state, written in the style of the seed reports.
DEMO_REPORTS = [
    DemoReport(
        "Саяногорск",
        2024,
        Status.DRAFT,
        ["Проведён ежегодный форум ТОС, в нём приняли участие председатели и активисты всех ТОС города."],
        [],
        ["Провести обучающий семинар для председателей ТОС по подготовке проектов на конкурсы."],
        [],
    ),
    DemoReport(
        "Когалым",
        2024,
        Status.SUBMITTED,
        [
            "Общественный Совет города Когалыма провёл восемь заседаний, рассмотрены вопросы благоустройства и молодёжной политики.",
            "Национально-культурные общества приняли участие в общегородских мероприятиях и субботниках.",
        ],
        ["Сложно продвигается привлечение молодёжи к работе в общественных советах."],
        ["Содействовать увеличению количества СОНКО, участвующих в грантовых конкурсах."],
        [(ProposalKind.TRAINING, "Курсы по работе с СОНКО и подготовке заявок на гранты.")],
    ),
    DemoReport(
        "Саяногорск",
        2023,
        Status.CHANGES_REQUESTED,
        ["Продолжено сотрудничество Администрации с Общественной палатой муниципального образования."],
        [],
        ["Организовать и провести IX форум ТОС."],
        [(ProposalKind.METHODOLOGY, "Опыт взаимодействия ОМСУ с казачеством.")],
    ),
    DemoReport(
        "Когалым",
        2023,
        Status.PUBLISHED,
        [
            "Проведены четыре рабочих совещания по укреплению межнационального и межконфессионального согласия на базе «Дома Дружбы»."
        ],
        [],
        ["Совершенствовать работу по гармонизации межнациональных и межконфессиональных отношений."],
        [(ProposalKind.CONFERENCE, "Практика профилактики экстремизма в молодёжной среде.")],
    ),
    DemoReport(
        "Лесосибирск",
        2023,
        Status.WITHDRAWN,
        ["Пять проектов получили грантовую поддержку при участии Ресурсного центра поддержки общественных инициатив."],
        ["К сожалению, не удалось создать ТОС на территории муниципалитета."],
        ["Содействовать развитию территориального общественного самоуправления."],
        [],
    ),
]

# The path through the workflow to reach each state: (transition, actor key, comment).
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: [("submit", "city", "")],
    Status.CHANGES_REQUESTED: [
        ("submit", "city", ""),
        ("request_changes", "moderator", "Добавьте, пожалуйста, итоги форума ТОС: сколько было участников."),
    ],
    Status.PUBLISHED: [("submit", "city", ""), ("publish", "moderator", "")],
    Status.WITHDRAWN: [
        ("submit", "moderator", "Отчёт прислан по почте, внесён Ассоциацией."),
        ("publish", "moderator", ""),
        ("withdraw", "moderator", "Город просит уточнить число проектов."),
    ],
}


def ensure_accounts(stdout=None):
    sync_roles()
    users = {}
    for username, first, last, role, municipality_names, superuser in ACCOUNTS:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = get_user_model()(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                is_staff=True,
                is_superuser=superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            for name in municipality_names:
                user.municipalities.add(Municipality.objects.get(name=name))
            if stdout:
                stdout.write(f"  учётная запись {username} (пароль {DEMO_PASSWORD})")
        users[username] = user
    return users


@transaction.atomic
def load_demo(stdout=None) -> int:
    load_directory()
    users = ensure_accounts(stdout)
    # The five real seed reports, as published archives (unchanged if already there).
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        result = store_report(parse_file(path), publish=True)
        if stdout and result.changed:
            stdout.write(f"  отчёт {result.report} — из {path.name}, опубликован")
    city_editor = {"Саяногорск": users["sayanogorsk"], "Когалым": users["kogalym"]}
    created = 0
    for demo in DEMO_REPORTS:
        municipality = Municipality.objects.get(name=demo.municipality)
        if Report.objects.filter(municipality=municipality, year=demo.year).exists():
            continue
        author = city_editor.get(demo.municipality, users["moderator"])
        report = Report.objects.create(municipality=municipality, year=demo.year, created_by=author)
        for position, text in enumerate(demo.achievements, 1):
            Achievement.objects.create(report=report, text=text, position=position)
        for position, text in enumerate(demo.problems, 1):
            Problem.objects.create(report=report, text=text, position=position)
        for position, text in enumerate(demo.tasks, 1):
            Task.objects.create(report=report, text=text, year=demo.year + 1, position=position)
        for position, (kind, text) in enumerate(demo.proposals, 1):
            Proposal.objects.create(report=report, kind=kind, text=text, position=position)
        theme_assign.suggest_for_reports([report.pk])
        for name, actor_key, comment in PATHS[demo.status]:
            actor = author if actor_key == "city" else users["moderator"]
            report = workflow.perform(report, actor, name, comment)
        created += 1
        if stdout:
            stdout.write(f"  отчёт {report} — {report.get_status_display()}")
    return created
