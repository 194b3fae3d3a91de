"""Recognition by meaning: section headings, request lead-ins, labels, problem paragraphs.

Everything here works on a *key*: lower-case, «ё» → «е», a leading «1.» / «2)» / «IV.»
removed, spaces collapsed. Regular expressions are deliberately stem-based («задач\\w*»)
so that small variations of the questionnaire wording (case, «в/на», «году/год», a
trailing «?» or «:») are tolerated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.text import fold

_LEADING_NUMBER = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]|[ivx]{1,4}[.)]|[а-е]\))\s*")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_YEAR_WORD = re.compile(r"(?<!\d)(\d{4})\s*(?:год|г\.|г\b)")

# Section headings (matched against the key of a heading-shaped paragraph).
_ACHIEVEMENTS = re.compile(
    r"удалось\s+(?:сделать|достичь|реализовать|добиться)"
    r"|значительн\w*\s+(?:\w+\s+){0,3}(?:удалось|сделан|достигнут|достижени)"
    r"|(?:основные|главные|важнейшие|ключевые)\s+(?:достижения|итоги|результаты)"
    r"|^что\s+(?:было\s+)?сделано"
)
_TASKS = re.compile(
    r"^(?:какие|каковы)?\s*(?:основные\s+|приоритетные\s+|главные\s+|ключевые\s+)?"
    r"(?:задач[аи]?|план(?:ы|ов)?|цели|приоритеты)\b"
    r"|^какие\s+(?:\w+\s+){0,2}(?:задач[аи]?|планы|цели)\b"
    r"|^что\s+(?:планируется|предстоит)"
)
_PROBLEMS = re.compile(
    r"^(?:какие\s+|с\s+какими\s+)?(?:основные\s+)?(?:проблем\w*|трудност\w*|сложност\w*)"
    r"(?:\s+(?:возникли|возникают|остаются|стоят|есть|имеются|встретились)\b|\s*$)"
)
_QUESTION = re.compile(
    r"^(?:что|какие|какая|какой|какую|каких|каким|как|где|когда|почему|зачем|сколько"
    r"|есть ли|имеются ли|ваши|ваше|ваша)\b"
)

# Request blocks (what the city asks of the Association).
_TOPICS = (
    (
        "training",
        re.compile(
            r"квалификаци|образовательн\w*\s+программ|обучени|стажировк|переподготовк"
            r"|курс\w*\s+(?:повышени|подготовк|обучени)"
        ),
    ),
    ("methodology", re.compile(r"методическ|методичк|лучши\w*\s+практик")),
    (
        "conference",
        re.compile(
            r"конференци|совещани|семинар|форум|круглы\w*\s+стол|вебинар|стратегическ\w*\s+сесси"
            r"|(?:вопрос|тем)\w*\s+(?:для|к)\s+обсуждени"
        ),
    ),
)
_STARTS_WITH_TOPIC = re.compile(
    r"^(?:конференци|совещани|семинар|форум|круглы|вебинар|курс|обучени|стажировк|методическ"
    r"|размещени|рассылк|вопрос|тем[аы]\b)"
)
_NEED = re.compile(
    r"необходим|нужн|требу(?:ет|ют)ся|просим|прошу|хотел|желательн|предлага|интерес|актуальн"
    r"|полезн|востребован"
)
_REQUEST = re.compile(
    r"предложени|пожелани|просьб|просим|прошу|ожидани|запрос|в\s+адрес|от\s+ассоциаци|размещ"
    r"|рассылк|помощ|содейств|хотел|нужн|необходим"
)
_REQUEST_START = re.compile(r"^(?:просим|прошу|предлага|хотел|необходим|нужн|считаем)")
_PROPOSALS_HEADING = re.compile(r"^(?:ваши\s+)?(?:предложения|пожелания)\b")

# A lead-in that is only a label (not content) when it introduces a list.
_LABEL = re.compile(
    r"^(?:основные\s+|приоритетные\s+|главные\s+)?(?:задач\w*|цели|планы|мероприятия|направления"
    r"|темы|вопросы|предложения|пожелания|итоги|достижения|проблемы|приоритеты)\b"
)


def key(text: str) -> str:
    text = _LEADING_NUMBER.sub("", fold(text), count=1)
    return " ".join(text.split())


def find_year(text: str) -> int | None:
    """The year of a heading: a 4-digit number, preferably the one followed by «год» / «г.»."""
    match = _YEAR_WORD.search(text) or _YEAR.search(text)
    return int(match.group(1)) if match else None


def heading_shaped(text: str, styled: bool = False) -> bool:
    """Short and not ending like a sentence («.» / «;» / «,»), unless styled as a heading."""
    if len(text) > 400:  # cheap exit for long paragraphs
        return False
    words = text.split()
    if not words or len(words) > 30:
        return False
    if styled:
        return True
    tail = text.rstrip(' »")”')
    if re.search(r"\bг(?:г)?\.$", tail, re.IGNORECASE):  # «… в 2018 г.» is still a heading
        return True
    return not tail.endswith((".", ";", ",", "…"))


@dataclass(frozen=True)
class Heading:
    section: str  # "achievements" | "tasks" | "problems" | "requests" | "unknown"
    year: int | None = None
    kind: str = "other"  # for "requests": the kind of proposals that follow


def classify_heading(text: str, styled: bool = False) -> Heading | None:
    """Section heading by meaning, or None. Only heading-shaped paragraphs qualify."""
    if not heading_shaped(text, styled):
        return None
    k = key(text)
    if _ACHIEVEMENTS.search(k):
        return Heading("achievements", find_year(k))
    if _TASKS.search(k):
        return Heading("tasks", find_year(k))
    if _PROBLEMS.search(k):
        return Heading("problems")
    if "ассоциаци" in k and _REQUEST.search(k) and len(k.split()) <= 20 and not k.endswith(":"):
        return Heading("requests", kind=topic_of(k) or "other")
    if _QUESTION.search(k) and (k.endswith("?") or styled) and len(k.split()) <= 20:
        # «Какие темы вы предложили бы для обсуждения на конференции?» is a request block;
        # any other question of the questionnaire is a section we do not know.
        topic = topic_of(k)
        return Heading("requests", kind=topic) if topic else Heading("unknown")
    return None


def topic_of(text: str) -> str | None:
    k = key(text)
    for kind, pattern in _TOPICS:
        if pattern.search(k):
            return kind
    return None


def request_kind(text: str) -> str | None:
    """If this plain paragraph opens a request block, its kind; else None.

    A request block opens with a lead-in such as «Вопросы для обсуждения:» or a
    statement such as «Курсы повышения квалификации … необходимы (…)». Ordinary report
    sentences that merely mention a conference or a course must not qualify, hence the
    extra conditions (starts with the topic word and expresses a need / ends with «:»,
    or explicitly addresses the Association).
    """
    k = key(text)
    colon = k.endswith(":")
    topic = topic_of(k)
    if "ассоциаци" in k and _REQUEST.search(k) and (colon or _REQUEST_START.search(k) or _STARTS_WITH_TOPIC.search(k)):
        return topic or "other"
    if topic and _STARTS_WITH_TOPIC.search(k) and (colon or _NEED.search(k)):
        return topic
    if _PROPOSALS_HEADING.search(k) and len(k.split()) <= 6 and heading_shaped(text):
        return "other"
    return None


def is_label(text: str) -> bool:
    """A lead-in that only names what follows («Задачи, поставленные на 2026 год:»)."""
    k = key(text).rstrip(":").strip()
    return bool(_LABEL.search(k)) and len(k.split()) <= 6


# --- problems among the achievements ------------------------------------------------
# Scored: each marker adds its weight, counter-markers subtract; score >= 2 → problem.
# Single weak words («проблем», «снижение») never decide alone.
_W = r"(?:\w+\s+)"
_PROBLEM_MARKERS = tuple(
    (re.compile(p), w)
    for p, w in (
        (r"к\s+сожалению", 3),
        (r"\bне\s+уда(?:лось|ется|ются|лся|лась|лись)", 3),
        (
            r"\bне\s+(?:был[аио]?\s+)?(?:реализован|выполнен|достигнут|создан|проведен|организован"
            r"|завершен|решен)",
            3,
        ),
        (r"\bнереализованн|\bневыполненн|\bнедостигнут|\bнерешенн", 3),
        (r"\bне\s+(?:смогл|смог\b|получил(?:ось|ся|ась|ись)|состоял|проводил)", 3),
        (r"сорван|\bотменен|\bперенесен\w*\s+на\s+неопределенн", 2),
        (
            r"(?:сложно|трудно|медленно|слабо|плохо|с\s+трудом)\s+(?:продвигает|идет|развива|реализу"
            r"|удается)",
            3,
        ),
        (r"(?:проблем|трудност|сложност)\w*\s+(?:остает|остают|являет|являют|заключает|состоит)", 3),
        (r"(?:остает|остают)\w*\s+" + _W + r"{0,2}(?:проблем|трудност|нерешенн|открыт)", 3),
        (r"не\s+хвата|нехватк|дефицит", 2),
        (r"недостаточн", 2),
        (r"отсутств", 2),
        (r"трудност|затрудн|сложност", 2),
        (r"\bпроблем", 1),
        (r"снизил|снижени|уменьшил|уменьшени|сократил|сокращени|\bупал|падени", 1),
        (
            r"(?:снизил|снижени|уменьшил|уменьшени|сократил|сокращени|упал|падени)\w*\s+"
            + _W
            + r"{0,2}(?:активност|интерес|участи|вовлеченн|числ|количеств)",
            2,
        ),
        (
            r"(?:низк|слаб|невысок)\w*\s+(?:активност|уровен|интерес|заинтересованн|вовлеченн"
            r"|мотиваци|явк)",
            2,
        ),
        (r"пассивн|равнодуш|безразлич|апати", 2),
        (r"препятств|помешал|мешает|осложн", 2),
    )
)
_COUNTER_MARKERS = tuple(
    (re.compile(p), w)
    for p, w in (
        # «в решении проблем», «выявления и решения проблем» — solving problems is work done.
        (r"(?:решени|реша|решит|устранени|устраня)\w*\s+" + _W + r"{0,3}проблем", -3),
        (
            r"(?:недопущени|предотвращени|профилактик|избежа|предупреждени|недопуст)\w*\s+"
            + _W
            + r"{0,2}(?:сокращени|снижени|конфликт|распространени|нарушени)",
            -2,
        ),
        (
            r"отсутств\w*\s+" + _W + r"{0,2}(?:конфликт|нарушени|жалоб|происшестви|напряженн"
            r"|правонарушени|экстремист|инцидент|замечани|претензи)",
            -3,
        ),
        (
            r"(?:снизил|снижени|уменьшил|уменьшени|сократил|сокращени)\w*\s+"
            + _W
            + r"{0,2}(?:конфликт|нарушени|жалоб|правонарушени|напряженн|преступн|задолженн"
            r"|обращени)",
            -2,
        ),
        (r"(?<!не\s)удалось", -2),
        (r"несмотря\s+на|вопреки", -1),
        (r"преодоле|справил", -2),
    )
)
PROBLEM_THRESHOLD = 2


def problem_score(text: str) -> int:
    k = key(text)
    return sum(w for p, w in _PROBLEM_MARKERS + _COUNTER_MARKERS if p.search(k))


def is_problem(text: str) -> bool:
    return problem_score(text) >= PROBLEM_THRESHOLD
