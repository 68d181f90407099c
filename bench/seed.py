"""Seed N cases as the service would have made them, fast, with PostgreSQL COPY.

    python -m bench.seed --cases 1000000

Every case comes with the rows the service writes for it, from the filing to where the
case stands today, through the same rules: its parties, its complaint or objection
details, its terms (service norms and the legal term, due dates computed by the term
functions of ``cases.legal`` with the live calendars), the terms' history, the timeline,
contact moments, the sweep's warnings and escalations, satisfaction ratings. The case
row's ``queue_due_date`` is its soonest running term and its ``search_document`` what the
filing writes, so the queue's indexes and filters see what production has. Each case is
lived step by step along its workflow (``cases.workflows``) until it closes or until
now: a state is only ever reached by its steps, a term met only while it ran, missed
only by a sweep after its due date, warned 5 and 1 working days ahead as the sweep does.

The spread, as seeded (100,000 cases, ``seed=42``, ``years=3``):

* kinds: 60 % complaints, 40 % objections; about 36 rows a case in all;
* received over the past ``years``, working days busier than weekends, slowly growing
  (a quarter more at the end than at the start); ids and references in the order of
  registration, references by year of registration (``KL-2026-012345``) after the
  numbers the service has handed out;
* channels: complaints web 46 %, phone 16 %, e-mail 15 %, integration 10 %, post 7 %,
  counter 6 %; objections web 39 %, post 27 %, e-mail 15 %, integration 13 %, counter
  7 % (an objection is in writing: none by phone). Phone, counter and post on working
  days in office hours, registered by staff (``registered_by``); a letter or an e-mail
  registered a day or two after it came in; a quarter of the web forms from a signed-in
  resident, the rest anonymous;
* teams: complaints to two complaint teams, objections to three objection teams
  (``bench-0`` .. ``bench-4``), 3 % left in the shared intake (no team); four handlers
  a team (``bench-handler-0`` .. ``-19``), a lead each, six lawyers for the objections;
* workflow states: mostly history - 97.6 % of complaints and 94.3 % of objections
  closed (3.7 % of all cases open). Closed complaints: resolved informally 55 %, with
  an outcome after formal handling 36 % (half after a hearing; 5 % with the advisory
  committee, 12 % extended), withdrawn 5 %, not handled 2.5 %, forwarded 1.6 %. Closed
  objections: decided and closed 67 % (a hearing in half, the committee in a fifth,
  postponements, a tenth of the drafts sent back once; outcomes unfounded, partly
  founded, founded, inadmissible after a lapsed repair request or when too late),
  withdrawn after the call 33 %. Open cases stand in every state in proportion to the
  time a state lasts (for complaints mostly awaiting contact and formal handling, for
  objections the hearing stages and the informal call);
* assignment: claimed by the team's handler (a fifth assigned by the lead) at the first
  step: about one open case in eleven is still unassigned, nearly every other case has
  its handler;
* terms, as the sweep left them (every 15 minutes, warnings 5 and 1 working days
  ahead, missed the day after the due date): receipt confirmation met 90 % (complaints)
  and 77 % (objections); first contact met 57 % (complaints, phone first) and 28 %
  (objections: often called only after admission); the legal term met 76 % of
  complaints and 73 % of the decided objections, missed 13 % and 18 %, cancelled when a
  case closed otherwise; running terms from today to months ahead, a few suspended for a
  repair. Past their due date terms are missed, not running: the queue's
  ``overdue=true`` is empty but for the quarter of an hour before the next sweep, as in
  production;
* parties: a filer each (12 % organisations), a representative for a quarter of the
  objections (mostly firms) and 4 % of the complaints, an interested party for 6 % of
  objections; preferred contact by phone 51 %, e-mail 38 %, post 11 %, contact times,
  interpreters, extra care, letters by e-mail, large print in small shares;
* contact moments: one or two calls for most cases that reach the call, at different
  times of day when they fail; 12 % of closed complaints rated.

Not seeded: attachments (files on disk), letters and the outbox messages that asked for
them (``bench.letters`` measures that pipeline), notices of default and penalties.

A second process generates the rows (no database access) while this one copies the
chunk before (``chunk`` cases, one COPY a table), so memory stays flat whatever the
count (about 250 MiB each at 1,000,000). Foreign keys are right by construction and,
where the database user may say so (a superuser: ``session_replication_role``), not
checked row by row. A large load (at least doubling the tables) runs in one
transaction that drops the plain B-tree indexes and builds them again at the end; a
smaller one commits a chunk at a time with every index kept up. ANALYZE at the end. Ids
are taken after the highest in each table and the sequences moved past them, and the
reference counters and sequences past the numbers used, so filings made afterwards
(``bench.letters``) never collide.
"""

import argparse
import datetime
import heapq
import io
import itertools
import json
import logging
import multiprocessing
import random
import resource
import time
import traceback
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


def _listed(text: str, sep: str | None = None) -> tuple[str, ...]:
    """A list written as one string (names, columns), split on ``sep`` (white space)."""
    return tuple(text.split(sep))


DAY = 86_400
NEVER = 1 << 62
NULL = "\\N"
NO_DUE = "9999-12-31"

TEAMS = [  # code, name, department, kind handled, share of that kind
    ("bench-0", "Klachtbehandeling", "Publiekszaken", "complaint", 0.6),
    ("bench-1", "Klachten Dienstverlening", "Publiekszaken", "complaint", 0.4),
    ("bench-2", "Bezwaar Belastingen", "Juridische Zaken", "objection", 0.5),
    ("bench-3", "Bezwaar Vergunningen", "Juridische Zaken", "objection", 0.3),
    ("bench-4", "Bezwaar Sociaal Domein", "Juridische Zaken", "objection", 0.2),
]
HANDLERS_PER_TEAM = 4  # bench-handler-0 .. -19, handler i in team i % 5
LAWYERS = 6
RESIDENTS = 50

CHANNELS = {
    "complaint": [
        ("web", 42),
        ("phone", 18),
        ("email", 15),
        ("integration", 10),
        ("post", 8),
        ("counter", 7),
    ],
    "objection": [
        ("web", 35),
        ("post", 30),
        ("email", 15),
        ("integration", 13),
        ("counter", 7),
    ],
}
OFFICE_CHANNELS = frozenset({"phone", "counter", "post"})

FIRST_NAMES = _listed(
    "Anna Bram Chantal Daan Eva Fatima Gert Hanneke Ibrahim Joost Karin Lotte Mohamed "
    "Noor Oscar Petra Ruud Sanne Tom Ulla Vera Wim Yusuf Zeynep Marieke Kees Ayşe Sem"
)
SURNAMES = _listed(
    "Jansen|de Vries|van den Berg|Bakker|Visser|Smit|Meijer|de Boer|Mulder|de Groot|"
    "Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|"
    "de Graaf|van der Meer|Kok|Jacobs|el Amrani|Yilmaz|Kaya|Öztürk|Bouzid|Nguyen|"
    "Wijaya|Kowalski|van Dijk|Hoekstra|Postma|Koster|Prins|Huisman|Kuiper|Willems",
    sep="|",
)
STREETS = _listed(
    "Kerkstraat|Dorpsstraat|Molenweg|Stationsplein|Julianalaan|Beatrixstraat|"
    "Wilhelminapark|Lindelaan|Eikenlaan|Schoolstraat|Havenkade|Nieuwstraat|"
    "Prinses Irenestraat|Oranjestraat|Sportlaan|Parkweg|Burgemeester Visserplein",
    sep="|",
)
CITIES = ["Voorbeeld", "Voorbeeld", "Voorbeeld", "Oosterdorp", "Westerveld", "Noordhoek"]
LANGUAGES = ["Arabisch", "Turks", "Pools", "Tigrinya", "Oekraïens", "Engels"]
CARE_NOTES = [
    "Slechthorend: langzaam en duidelijk spreken.",
    "Liever bellen in de ochtend; mantelzorger aanwezig.",
    "Moeite met lezen: brief ook telefonisch toelichten.",
]
ORGANISATIONS = _listed(
    "Bakkerij {s} B.V.|Stichting Buurtbelang {c}|{s} Installatietechniek|VvE {st} {n}|"
    "Huurdersvereniging {c}|{s} & Zonen Transport",
    sep="|",
)
REPRESENTATIVES = _listed(
    "{s} Advocaten|DAS Rechtsbijstand|Juridisch Loket|ARAG Rechtsbijstand|"
    "{s} Belastingadvies|VNO Bezwaarservice",
    sep="|",
)

COMPLAINTS = [  # subject, what happened
    ("Afval niet opgehaald", "De container is al drie weken niet geleegd"),
    ("Lantaarnpaal kapot", "De lantaarnpaal voor ons huis brandt al maanden niet"),
    ("Onvriendelijk behandeld aan de balie", "Ik werd aan de balie onheus bejegend"),
    ("Lange wachttijd telefoon", "Ik hing drie kwartier in de wacht bij het KCC"),
    ("Geen reactie op mijn e-mail", "Op mijn e-mail van vorige maand kwam geen antwoord"),
    ("Melding openbare ruimte niet opgepakt", "Mijn melding over losliggende tegels"),
    ("Verkeerde informatie gekregen", "Aan de telefoon kreeg ik verkeerde informatie"),
    ("Afspraak niet nagekomen", "De toegezegde terugbelafspraak is niet nagekomen"),
    ("Parkeerhandhaving onheus", "De handhaver sprak mij op hoge toon aan"),
    ("Overlast werkzaamheden", "De werkzaamheden aan de riolering geven veel overlast"),
    ("Paspoortaanvraag kwijtgeraakt", "Mijn aanvraag voor een paspoort is zoekgeraakt"),
    ("Gladheidsbestrijding onvoldoende", "Er is in onze straat niet gestrooid"),
]
OBJECTIONS = {  # team code -> (decision subject, reference prefix, department)
    "bench-2": [
        ("WOZ-beschikking", "WOZ", "Belastingen"),
        ("aanslag afvalstoffenheffing", "AFV", "Belastingen"),
        ("naheffingsaanslag parkeerbelasting", "NHA", "Parkeren"),
        ("aanslag hondenbelasting", "HB", "Belastingen"),
    ],
    "bench-3": [
        ("omgevingsvergunning dakkapel", "OV", "Vergunningen"),
        ("omgevingsvergunning kappen boom", "OV", "Vergunningen"),
        ("weigering parkeervergunning", "PV", "Parkeren"),
        ("evenementenvergunning", "EV", "Vergunningen"),
    ],
    "bench-4": [
        ("terugvordering bijstand", "PW", "Werk en Inkomen"),
        ("Wmo-voorziening huishoudelijke hulp", "WMO", "Zorg"),
        ("afwijzing bijzondere bijstand", "BB", "Werk en Inkomen"),
        ("afwijzing schuldhulpverlening", "SHV", "Werk en Inkomen"),
    ],
}
GROUNDS = [
    "De waarde is te hoog vastgesteld ten opzichte van vergelijkbare woningen.",
    "Het besluit is onvoldoende gemotiveerd.",
    "Mijn situatie is niet goed meegewogen.",
    "Er is uitgegaan van onjuiste feiten.",
    "De belangenafweging is onzorgvuldig.",
]


# --- COPY ------------------------------------------------------------------------------


def _text(value: object) -> str:
    """One value in COPY's text format."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False).replace("\\", "\\\\")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


class _Table:
    """A model's table as the seeder writes it: the columns it gives (attribute names, in
    order) and, for every other column, its default - so a new column with a default
    never breaks the seeder, and one without a default that is NOT NULL stops it here,
    naming the column."""

    def __init__(self, model: Any, columns: list[str]):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise LookupError(f"{model._meta.db_table} has no {unknown}")
        rest = [f for attname, f in fields.items() if attname not in columns]
        defaults = []
        for f in rest:
            value = f.get_default()
            if value is None and not f.null:
                raise LookupError(
                    f"{model._meta.db_table}.{f.column} is NOT NULL without a default: "
                    "bench.seed must fill it"
                )
            defaults.append(_text(value))
        self.name = model._meta.db_table
        self.columns = [fields[c].column for c in columns] + [f.column for f in rest]
        self.suffix = "".join(f"\t{value}" for value in defaults) + "\n"
        self.index = {c: n for n, c in enumerate(columns)}
        self.width = len(columns)

    def sql(self) -> str:
        names = ", ".join(f'"{c}"' for c in self.columns)
        return f'COPY "{self.name}" ({names}) FROM STDIN'


# --- days and times --------------------------------------------------------------------


class _Days:
    """Day numbers (0 = ``first``) with their ISO dates, UTC offsets and calendars; a
    moment is local seconds since day 0, 00:00."""

    def __init__(self, first: datetime.date, last: datetime.date, tz: str, stages: tuple):
        from cases import deadlines
        from cases.sweep import working_day_horizon

        zone = zoneinfo.ZoneInfo(tz)
        self.first = first
        count = (last - first).days + 1
        self.dates = [first + datetime.timedelta(days=n) for n in range(count)]
        self.iso = [d.isoformat() for d in self.dates]
        offsets = [
            datetime.datetime.combine(d, datetime.time(12), tzinfo=zone).utcoffset()
            for d in self.dates
        ]
        hours = [int(o.total_seconds() // 3600) for o in offsets]
        self.offset = [f"{h:+03d}" for h in hours]  # for COPY: 2026-11-30 10:15:00+01
        self.offset_json = [f"{h:+03d}:00" for h in hours]  # RFC 3339 in the data
        self.clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)]
        self.legal = deadlines.legal_calendar()
        self.short = deadlines.short_term_calendar()
        norms = deadlines.norm_calendar()
        # Municipal working days (service norms and when staff act).
        self.working = [norms.is_working_day(d) for d in self.dates]
        self.workdays = [n for n in range(count) if self.working[n]]
        position, self.next_workday = 0, []
        for n in range(count):
            while position < len(self.workdays) - 1 and self.workdays[position] < n:
                position += 1
            self.next_workday.append(position)  # index in workdays of the first >= n
        # The day the sweep first warns a term due on day n, per stage: the first day
        # whose horizon (working_day_horizon) reaches n.
        self.warn_day = {}
        for stage in stages:
            horizon = [self.number(working_day_horizon(self.legal, d, stage)) for d in self.dates]
            first_day, x = [], 0
            for due in range(count):
                while x < count - 1 and horizon[x] < due:
                    x += 1
                first_day.append(x)
            self.warn_day[stage] = first_day
        self._terms: dict[tuple, tuple[int, str]] = {}
        self._periods: dict[int, Any] = {}
        self._timeliness: dict[tuple, Any] = {}

    def number(self, day: datetime.date) -> int:
        return (day - self.first).days

    def stamp(self, t: int) -> str:
        day, second = divmod(t, DAY)
        return f"{self.iso[day]} {self.clock[second]}{self.offset[day]}"

    def stamp_json(self, t: int) -> str:
        day, second = divmod(t, DAY)
        return f'"{self.iso[day]}T{self.clock[second]}{self.offset_json[day]}"'

    def workday_after(self, day: int, n: int) -> int:
        """The n-th municipal working day after ``day`` (n = 0: ``day`` or the next one)."""
        if n <= 0:
            return self.workdays[self.next_workday[day]]
        return self.workdays[self.next_workday[day + 1] + n - 1]

    def term(self, term: str, start: int, **params: int) -> tuple[int, str]:
        """Due day and legal basis of a legal term, as the service computes it."""
        key = (term, start, *sorted(params.items()))
        found = self._terms.get(key)
        if found is None:
            from cases.deadlines import term_compute

            result = term_compute(term, self.dates[start], self.legal, **params)
            found = (self.number(result.end_date), result.legal_basis)
            self._terms[key] = found
        return found

    def objection_period(self, decision: int) -> Any:
        period = self._periods.get(decision)
        if period is None:
            from cases.deadlines import term_compute

            period = term_compute("objection-period", self.dates[decision], self.legal)
            self._periods[decision] = period
        return period

    def timeliness(self, received: int, decision: int, posted: int | None) -> Any:
        key = (received, decision, posted)
        found = self._timeliness.get(key)
        if found is None:
            from cases.legal.terms import objection_timeliness

            period = self.objection_period(decision)
            found = objection_timeliness(
                self.dates[received],
                period.end_date,
                self.dates[posted] if posted is not None else None,
                period_start=period.start_date,
                cal=self.short,
            )
            self._timeliness[key] = found
        return found


# --- the people and teams --------------------------------------------------------------


@dataclass
class _People:
    teams: dict[str, int]  # code -> id
    handlers: dict[int, list[tuple[int, str]]]  # team id -> (id, username)
    leads: dict[int, tuple[int, str]]
    lawyers: list[tuple[int, str]]
    integration: int
    residents: list[int]
    all_handlers: list[tuple[int, str]] = field(default_factory=list)


def _people() -> _People:
    """The bench's teams and accounts, made once (the role changes they log are muted)."""
    log = logging.getLogger("backend.accounts")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        return _people_make()
    finally:
        log.setLevel(level)


def _people_make() -> _People:
    from django.contrib.auth.models import Group

    from backend.accounts.models import Team, User
    from backend.accounts.roles import Role

    teams = {}
    for code, name, department, _kind, _share in TEAMS:
        team, _ = Team.objects.get_or_create(
            code=code, defaults={"name": name, "department": department}
        )
        teams[code] = team
    groups = {role: Group.objects.get(name=role.value) for role in Role}

    def user(username: str, role: Role, team_codes: list[str], first: str, last: str) -> User:
        found, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@gemeente.example",
            },
        )
        if created:
            found.set_unusable_password()
            found.save(update_fields=["password"])
        if not found.groups.filter(pk=groups[role].pk).exists():
            found.groups.add(groups[role])
        if team_codes and not found.teams.exists():
            found.teams.set([teams[c] for c in team_codes])
        return found

    codes = [t[0] for t in TEAMS]
    handlers: dict[int, list[tuple[int, str]]] = {}
    all_handlers = []
    for i in range(HANDLERS_PER_TEAM * len(TEAMS)):
        code = codes[i % len(TEAMS)]
        u = user(f"bench-handler-{i}", Role.CASE_HANDLER, [code], FIRST_NAMES[i], SURNAMES[i])
        team_id = u.teams.values_list("pk", flat=True).first()
        handlers.setdefault(team_id, []).append((u.pk, u.username))
        all_handlers.append((u.pk, u.username))
    leads = {}
    for i, code in enumerate(codes):
        u = user(f"bench-lead-{i}", Role.TEAM_LEAD, [code], FIRST_NAMES[-1 - i], SURNAMES[-1 - i])
        leads[teams[code].pk] = (u.pk, u.username)
    objection_codes = [t[0] for t in TEAMS if t[3] == "objection"]
    lawyers = [
        user(
            f"bench-legal-{i}",
            Role.LEGAL_STAFF,
            objection_codes,
            FIRST_NAMES[i + 5],
            SURNAMES[20 + i],
        )
        for i in range(LAWYERS)
    ]
    integration = user("bench-integration", Role.INTEGRATION_CLIENT, [], "Koppeling", "Portaal")
    residents = [
        user(f"bench-resident-{i}", Role.RESIDENT, [], FIRST_NAMES[i % 28], SURNAMES[i % 40])
        for i in range(RESIDENTS)
    ]
    return _People(
        teams={code: t.pk for code, t in teams.items()},
        handlers=handlers,
        leads=leads,
        lawyers=[(u.pk, u.username) for u in lawyers],
        integration=integration.pk,
        residents=[u.pk for u in residents],
        all_handlers=all_handlers,
    )


# --- one case, step by step ------------------------------------------------------------


class _Term:
    """A deadline as it is when the case is seeded."""

    __slots__ = _listed(
        "basis closed created due id is_norm kind next params since start state "
        "suspended term warned"
    )

    def params_json(self) -> str:
        return _json_object(self.params)


def _json_object(values: dict[str, int | bool]) -> str:
    """A term's parameters as JSONField writes them (numbers and booleans only)."""
    return "{" + ", ".join(f'"{k}": {_json_scalar(v)}' for k, v in values.items()) + "}"


def _json_scalar(value: int | bool) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


class _Case:
    __slots__ = _listed(
        "assigned_at assignee channel closed_at details handler id kind lag lawyer "
        "lead pace parties reached received ref registered registered_by "
        "status team terms"
    )


RUNNING, SUSPENDED, MET, MISSED, CANCELLED = "running", "suspended", "met", "missed", "cancelled"


class _Generator:
    """Makes the rows of one chunk of cases after another (no database access)."""

    def __init__(
        self,
        *,
        days: _Days,
        people: _People,
        tables: dict,
        ids: dict,
        refs: dict,
        count: int,
        years: float,
        now: int,
        rng: random.Random,
        norms: dict,
        stages: tuple[int, ...],
        sweep_every: int,
    ):
        self.days, self.people, self.tables = days, people, tables
        self.ids, self.refs = ids, refs
        self.count, self.years, self.now, self.rng = count, years, now, rng
        self.norms = norms
        # The sweep as beat runs it: every ``sweep_every`` seconds, warning each stage
        # (working days before the due date, widest first) once.
        self.stages, self.sweep_every = stages, sweep_every
        self.detail_defaults: dict[str, list[str]] = {}
        self.iso, self.clock, self.offset = days.iso, days.clock, days.offset
        self.iso_space = [f"{day} " for day in days.iso]
        self.rows: dict[str, list[str]] = {}
        self.used_refs: dict[tuple[str, int], int] = {}
        from cases.deadlines import interpretation
        from cases.legal.terms import Interpretation, decision_term_counted_from

        self.interpretation: Interpretation = interpretation()
        self.counted_from = decision_term_counted_from
        self.team_by_kind = {
            kind: [
                (self.people.teams[code], code, share)
                for code, _n, _d, k, share in TEAMS
                if k == kind
            ]
            for kind in ("complaint", "objection")
        }
        self.channels = {
            kind: (list(itertools.accumulate(w for _c, w in pairs)), [c for c, _w in pairs])
            for kind, pairs in CHANNELS.items()
        }

    # ---- ids and rows

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def emit(self, table: str, line: str) -> None:
        self.rows[table].append(line)

    # The three most frequent rows, written with as little Python as possible.

    def event(
        self, c: _Case, kind: str, t: int, actor: int | None, data: str, text: str = ""
    ) -> None:
        ids = self.ids
        ids["event"] += 1
        day, second = divmod(t, DAY)
        self.events.append(
            f"{ids['event']}\t{c.id}\t{kind}\t{self.iso_space[day]}{self.clock[second]}"
            f"{self.offset[day]}\t{NULL if actor is None else actor}\t{data}\t{text}"
        )

    def change(
        self,
        d: _Term,
        kind: str,
        t: int,
        by: int | None,
        *,
        reason: str = "",
        letter: str = "",
        before: int | None = None,
        after: int | None = None,
        params: str = "{}",
    ) -> None:
        ids, iso = self.ids, self.iso
        ids["change"] += 1
        day, second = divmod(t, DAY)
        self.changes.append(
            f"{ids['change']}\t{d.id}\t{kind}\t{self.iso_space[day]}{self.clock[second]}"
            f"{self.offset[day]}\t{NULL if by is None else by}\t{reason}\t{letter}\t"
            f"{NULL if before is None else iso[before]}\t{NULL if after is None else iso[after]}\t"
            f"{params}"
        )

    def notification(
        self, d: _Term, stage: str, days_before: int, recipient: int | None, t: int
    ) -> None:
        ids, stamp = self.ids, self.days.stamp
        ids["notification"] += 1
        self.notifications.append(
            f"{ids['notification']}\t{d.id}\t{stage}\t{days_before}\t"
            f"{NULL if recipient is None else recipient}\t{stamp(t)}\t"
            f"{stamp(t + 2 + int(self.rng.random() * 30))}"
        )

    # ---- time

    def office(self, c: _Case | None, after: int, workdays: float) -> int:
        """A moment in office hours ``workdays`` municipal working days after ``after``
        (slower or faster by the case's pace), never before it."""
        r = self.rng.random
        n = int(workdays * (c.pace if c is not None else 1.0) + r())
        day = self.days.workday_after(after // DAY, n)
        t = day * DAY + 30_600 + int(r() * 28_800)  # 08:30 - 16:30
        return t if t > after else after + 300 + int(r() * 3000)

    # ---- the sweep, as it would have run every 15 minutes up to ``t``

    def plan(self, c: _Case, d: _Term) -> None:
        """When the sweep next has something to do for this term (warn, or mark missed)."""
        if d.state != RUNNING:
            d.next = NEVER
            return
        warn_day, lag = self.days.warn_day, c.lag
        since = d.since + 1
        every = self.sweep_every
        missed_at = max((d.due + 1) * DAY, since)
        missed_at += (lag - missed_at) % every  # the first sweep after it
        first = missed_at
        for bit, stage in enumerate(self.stages):
            if not d.warned >> bit & 1:
                at = max(warn_day[stage][d.due] * DAY, since)
                at += (lag - at) % every
                if at < first:
                    first = at
        d.next = first

    def sweep(self, c: _Case, t: int) -> None:
        for d in c.terms:
            if d.next <= t:
                self.sweep_term(c, d, t)

    def sweep_term(self, c: _Case, d: _Term, t: int) -> None:
        """What the sweep did for one running term up to ``t``: each warning stage once,
        then missed (escalated) the day after its due date."""
        iso, warn_day, lag = self.days.iso, self.days.warn_day, c.lag
        since = d.since + 1
        every = self.sweep_every
        missed_at = max((d.due + 1) * DAY, since)
        missed_at += (lag - missed_at) % every
        for bit, stage in enumerate(self.stages):
            if d.warned >> bit & 1:
                continue
            at = max(warn_day[stage][d.due] * DAY, since)
            at += (lag - at) % every
            if at <= t and at < missed_at:
                d.warned |= 1 << bit
                assigned = c.assigned_at is not None and c.assigned_at <= at
                self.notification(d, "warning", stage, c.assignee if assigned else None, at)
                self.event(
                    c,
                    "deadline_warning",
                    at,
                    None,
                    f'{{"deadline": "{d.kind}", "due_date": "{iso[d.due]}", '
                    f'"working_days_before": {stage}}}',
                )
        if missed_at <= t:
            d.state, d.closed = MISSED, d.due + 1
            self.change(d, "missed", missed_at, None, before=d.due)
            self.notification(d, "missed", 0, None, missed_at)
            self.event(
                c,
                "deadline_missed",
                missed_at,
                None,
                f'{{"deadline": "{d.kind}", "due_date": "{iso[d.due]}", '
                f'"escalated_to": "team_lead"}}',
            )
        self.plan(c, d)

    # ---- terms

    def start_term(
        self, c: _Case, kind: str, term: str, start: int, params: dict, is_norm: bool
    ) -> None:
        d = _Term()
        d.id, d.kind, d.is_norm, d.term, d.params, d.start = (
            self.next_id("deadline"),
            kind,
            is_norm,
            term,
            params,
            start,
        )
        if is_norm:
            days = params["working_days"]
            d.due, d.basis = (
                self.days.workday_after(start, days),
                f"service norm: {days} working days",
            )
        else:
            d.due, d.basis = self.days.term(term, start, **params)
        d.state, d.suspended, d.closed, d.created, d.since, d.warned = (
            RUNNING,
            None,
            None,
            c.registered,
            c.registered,
            0,
        )
        self.plan(c, d)
        c.terms.append(d)
        self.change(
            d, "started", c.registered, c.registered_by, after=d.due, params=d.params_json()
        )
        self.event(
            c,
            "deadline_started",
            c.registered,
            c.registered_by,
            f'{{"deadline": "{kind}", "due_date": "{self.days.iso[d.due]}"}}',
        )

    def open_term(self, c: _Case, kind: str) -> _Term | None:
        for d in c.terms:
            if d.kind == kind and d.state in (RUNNING, SUSPENDED):
                return d
        return None

    def close_term(
        self, c: _Case, d: _Term, state: str, t: int, by: int | None, reason: str
    ) -> None:
        on = t // DAY
        d.state, d.closed, d.suspended, d.next = state, on, None, NEVER
        self.change(d, state, t, by, reason=reason, before=d.due)
        self.event(
            c,
            f"deadline_{state}",
            t,
            by,
            f'{{"deadline": "{d.kind}", "on": "{self.days.iso[on]}", '
            f'"due_date": "{self.days.iso[d.due]}"}}',
        )

    def meet(self, c: _Case, kind: str, t: int, by: int | None, reason: str) -> None:
        d = self.open_term(c, kind)
        if d is not None:
            self.close_term(c, d, MET, t, by, reason)

    def cancel_open(self, c: _Case, t: int, by: int | None, reason: str) -> None:
        for d in c.terms:
            if d.state in (RUNNING, SUSPENDED):
                self.close_term(c, d, CANCELLED, t, by, reason)

    def extend(
        self, c: _Case, kind: str, t: int, by: int, reason: str, letter: str, **changes: int
    ) -> bool:
        d = self.open_term(c, kind)
        if d is None or (d.state == RUNNING and t // DAY > d.due):
            return False  # the condition "term not expired" fails: the step is not taken
        before = d.due
        d.params = {**d.params, **changes}
        d.due, d.basis = self.days.term(d.term, d.start, **d.params)
        self.plan(c, d)
        params = _json_object(changes)
        self.change(
            d,
            "extended",
            t,
            by,
            reason=reason,
            letter=letter,
            before=before,
            after=d.due,
            params=params,
        )
        self.event(
            c,
            "deadline_extended",
            t,
            by,
            f'{{"deadline": "{kind}", "due_before": "{self.days.iso[before]}", '
            f'"due_after": "{self.days.iso[d.due]}"}}',
        )
        return True

    # ---- steps, claims, contact

    def step(self, c: _Case, t: int, name: str, after: str | None, by: int, data: str = "") -> None:
        """A workflow step as ``case_transition`` records it (``after`` None: a self-loop)."""
        self.sweep(c, t)
        before = c.status
        after = after or before
        c.status = after
        self.event(
            c,
            "transition",
            t,
            by,
            f'{{"step": "{name}", "status": {{"before": "{before}", "after": "{after}"}}{data}}}',
        )

    def claim(self, c: _Case, t: int) -> None:
        if c.assignee is not None or c.handler is None:
            return
        handler_id, username = c.handler
        self.sweep(c, t)
        if c.lead is not None and self.rng.random() < 0.2:
            kind, actor = "assigned", c.lead[0]
        else:
            kind, actor = "claimed", handler_id
        c.assignee, c.assigned_at = handler_id, t
        self.event(c, kind, t, actor, f'{{"assignee": {{"before": null, "after": "{username}"}}}}')

    def call(self, c: _Case, t: int, reached: bool) -> None:
        """A contact moment by phone (``contact_moment_log``)."""
        self.sweep(c, t)
        r = self.rng.random
        outcome = (
            "reached"
            if reached
            else ("no_answer", "voicemail", "callback_requested", "no_answer")[int(r() * 4)]
        )
        callback = NULL
        if outcome == "callback_requested":
            callback = self.days.stamp(self.office(c, t, 1))
        by = c.assignee or c.handler[0]
        note = "Besproken wat er is gebeurd en wat we kunnen doen." if reached else ""
        self.emit(
            "contact",
            f"{self.next_id('contact')}\t{c.id}\t{self.days.stamp(t)}\t{by}\tphone\t{outcome}\t"
            f"{callback}\t{note}\t{self.days.stamp(t + 60 + int(r() * 600))}",
        )
        self.event(
            c,
            "contact",
            t,
            by,
            f'{{"channel": "phone", "outcome": "{outcome}", '
            f'"occurred_at": {self.days.stamp_json(t)}}}',
        )
        if reached:
            c.reached = True
            # _first_contact_meet: a running term, or one the sweep marked missed although
            # its due date had not passed on the day of the call (never the case here).
            self.meet(c, "first_contact", t, by, "reached by phone")

    def calls(self, c: _Case, t: int, p_reach: float) -> tuple[int, bool]:
        """A call, and when it does not get through a second at another time of day (the
        failed calls ``COMPLAINT_FAILED_CALLS`` asks for before writing instead)."""
        r = self.rng.random
        for _attempt in range(2):
            if t > self.now:
                return t, False
            reached = r() < p_reach
            self.call(c, t, reached)
            if reached:
                return t, True
            # The next try: another time of day (morning, afternoon, evening).
            day = t // DAY
            hour = (t % DAY) // 3600
            if hour < 12:
                t = day * DAY + 13 * 3600 + int(r() * 3 * 3600)
            elif hour < 17:
                t = day * DAY + 17 * 3600 + 1800 + int(r() * 5400)
            else:
                t = self.days.workday_after(day, 1) * DAY + 9 * 3600 + int(r() * 9000)
        return t, False

    # ---- the case

    def team_for(self, kind: str) -> int:
        x, share_so_far = self.rng.random(), 0.0
        teams = self.team_by_kind[kind]
        for team_id, _code, share in teams:
            share_so_far += share
            if x < share_so_far:
                return team_id
        return teams[-1][0]

    def registration(self, received: int, channel: str) -> int:
        """When the case is registered: forms at once, staff shortly after a call or a
        visit, a letter or an e-mail within a day or two (never after now)."""
        r = self.rng.random
        if channel in ("web", "integration"):
            registered = received + int(r() * 3)
        elif channel in ("phone", "counter"):
            registered = received + 120 + int(r() * 900)
        elif channel == "post":
            registered = self.office(None, received, r() * 2.5)
        else:  # e-mail
            registered = self.office(None, received, r() * 1.5)
        if registered > self.now:  # not before now: somewhere between
            registered = received + int(r() * (self.now - received))
        return registered

    def one(self, case_id: int, kind: str, received: int, registered: int, channel: str) -> None:
        days, r, people = self.days, self.rng.random, self.people
        c = _Case()
        c.id, c.kind, c.status, c.channel, c.received = case_id, kind, "received", channel, received
        c.terms, c.reached = [], False
        c.assignee = c.assigned_at = c.closed_at = None
        c.lag = int(r() * self.sweep_every)  # when in each interval the sweep runs
        c.pace = self.rng.lognormvariate(0, 0.45)
        c.registered = registered
        # Team, handler, lead.
        c.team = None if r() < 0.03 else self.team_for(kind)
        team_id = c.team
        pool = people.handlers.get(team_id) or people.all_handlers
        c.handler = pool[int(r() * len(pool))]
        c.lead = people.leads.get(team_id) if team_id is not None else None
        c.lawyer = people.lawyers[int(r() * len(people.lawyers))]
        if channel in OFFICE_CHANNELS or channel == "email":
            c.registered_by = c.handler[0]
        elif channel == "integration":
            c.registered_by = people.integration
        else:
            c.registered_by = (
                people.residents[int(r() * len(people.residents))] if r() < 0.25 else None
            )
        # Reference: by year of registration, numbered in order of registration.
        prefix = "KL" if kind == "complaint" else "BZ"
        year = days.dates[c.registered // DAY].year
        number = self.refs.get((prefix, year), 0) + 1
        self.refs[(prefix, year)] = number
        self.used_refs[(prefix, year)] = number
        c.ref = f"{prefix}-{year}-{number:06d}"

        c.parties = self.parties(c)
        subject, description, details = (
            self.complaint_filing(c) if kind == "complaint" else self.objection_filing(c)
        )
        c.details = details
        # The filing: the timeline's first entry, then the terms (deadlines_record).
        self.event(
            c,
            "filed",
            c.registered,
            c.registered_by,
            f'{{"channel": "{channel}", "received_at": {days.stamp_json(received)}}}',
        )
        received_day = received // DAY
        norms = self.norms[kind]
        self.start_term(
            c,
            "receipt_confirmation",
            "service-norm",
            received_day,
            {"working_days": norms["receipt_confirmation"]},
            True,
        )
        self.start_term(
            c,
            "first_contact",
            "service-norm",
            received_day,
            {"working_days": norms["first_contact"]},
            True,
        )
        if kind == "complaint":
            self.start_term(c, "complaint_handling", "complaint-handling", received_day, {}, False)
            self.complaint_life(c)
        else:
            self.start_term(
                c, "objection_decision", "objection-decision", details["_counted"], {}, False
            )
            self.objection_life(c)
        self.sweep(c, self.now)
        self.write_case(c, subject, description)

    # ---- filings

    def person(self) -> tuple[str, str, str]:
        r = self.rng.random
        first = FIRST_NAMES[int(r() * len(FIRST_NAMES))]
        last = SURNAMES[int(r() * len(SURNAMES))]
        return first, last, f"{first} {last}"

    def address(self) -> tuple[str, str, str, str, str]:
        r = self.rng.random
        return (
            STREETS[int(r() * len(STREETS))],
            str(1 + int(r() * 180)),
            "" if r() < 0.85 else ("A", "B", "bis", "2")[int(r() * 4)],
            f"{1000 + int(r() * 8999)} {chr(65 + int(r() * 26))}{chr(65 + int(r() * 26))}",
            CITIES[int(r() * len(CITIES))],
        )

    def parties(self, c: _Case) -> list[tuple[str, str]]:
        """The parties' rows; returns (name, organisation) of each for the search."""
        r = self.rng.random
        found = []

        def party(
            role: str,
            kind: str,
            name: str,
            organisation: str,
            first: str,
            last: str,
            channel: str,
            with_address: bool,
        ) -> None:
            email_local = (
                f"{first}.{last}".lower().replace(" ", "").replace("ş", "s").replace("ö", "o")
            )
            email = f"{email_local}@example.nl" if channel == "email" or r() < 0.5 else ""
            phone = (
                f"+316{10_000_000 + int(r() * 89_999_999)}"
                if channel == "phone" or r() < 0.7
                else ""
            )
            street, number, addition, postcode, city = (
                self.address() if with_address or channel == "post" else ("", "", "", "", "")
            )
            times = "[]"
            if r() < 0.5:
                times = (
                    '["morning"]',
                    '["afternoon"]',
                    '["evening"]',
                    '["morning", "afternoon"]',
                    '["afternoon", "evening"]',
                )[int(r() * 5)]
            english = r() < 0.03
            interpreter = r() < 0.02
            care = r() < 0.03
            by_email = bool(email) and r() < 0.4
            self.emit(
                "party",
                f"{self.next_id('party')}\t{c.id}\t{role}\t{kind}\t{name}\t{organisation}\t"
                f"{street}\t{number}\t{addition}\t{postcode}\t{city}\tNL\t{email}\t{phone}\t"
                f"{channel}\t{times}\t{'en' if english else 'nl'}\t{'t' if interpreter else 'f'}\t"
                f"{LANGUAGES[int(r() * len(LANGUAGES))] if interpreter else ''}\t"
                f"{'t' if care else 'f'}\t{CARE_NOTES[int(r() * 3)] if care else ''}\t"
                f"{'t' if by_email else 'f'}\t{'t' if r() < 0.02 else 'f'}",
            )
            found.append((name, organisation))

        first, last, name = self.person()
        x = r()
        channel = "phone" if x < 0.55 else "email" if x < 0.9 else "post"
        if r() < 0.12:
            template = ORGANISATIONS[int(r() * len(ORGANISATIONS))]
            organisation = template.format(
                s=last,
                c=CITIES[int(r() * len(CITIES))],
                st=STREETS[int(r() * len(STREETS))],
                n=int(r() * 90) + 1,
            )
            party("filer", "organisation", name, organisation, first, last, channel, True)
        else:
            party(
                "filer",
                "person",
                name,
                "",
                first,
                last,
                channel,
                c.kind == "objection" or r() < 0.6,
            )
        if r() < (0.25 if c.kind == "objection" else 0.04):
            first, last, name = self.person()
            if r() < 0.7:
                organisation = REPRESENTATIVES[int(r() * len(REPRESENTATIVES))].format(s=last)
                party(
                    "representative",
                    "organisation",
                    f"mr. {name}",
                    organisation,
                    first,
                    last,
                    "email",
                    True,
                )
            else:
                party("representative", "person", name, "", first, last, "phone", False)
        if c.kind == "objection" and r() < 0.06:
            first, last, name = self.person()
            party("interested_party", "person", name, "", first, last, "post", True)
        return found

    def complaint_filing(self, c: _Case) -> tuple[str, str, dict]:
        r = self.rng.random
        subject, what = COMPLAINTS[int(r() * len(COMPLAINTS))]
        street = STREETS[int(r() * len(STREETS))]
        description = (
            f"{what}. Het gaat om de {street}. "
            + ("Ik heb al eerder gebeld maar er gebeurt niets. " if r() < 0.5 else "")
            + "Graag een reactie."
        )
        conduct = c.received // DAY - int(r() * 30)
        details = {
            "case_id": str(c.id),
            "employee_description": ("medewerker KCC", "baliemedewerker", "handhaver", "")[
                int(r() * 4)
            ],
            "conduct_date": self.days.iso[max(conduct, 0)] if r() < 0.8 else NULL,
        }
        return subject, description, details

    def objection_filing(self, c: _Case) -> tuple[str, str, dict]:
        days, r = self.days, self.rng.random
        code = (
            next(code for team_id, code, _s in self.team_by_kind["objection"] if team_id == c.team)
            if c.team
            else "bench-2"
        )
        subject, prefix, department = OBJECTIONS[code][int(r() * 4)]
        received = c.received // DAY
        x = r()
        if x < 0.005:  # premature: made before the decision was made known (6:10)
            decision = received + 1 + int(r() * 5)
        elif x < 0.05:  # late (6:9)
            decision = received - 43 - int(r() * 30)
        else:
            decision = received - 1 - int(r() * 41)
        decision = max(decision, 0)
        pro_forma = r() < 0.10
        signed = r() < 0.95 or c.channel in ("web", "integration")
        grounds = "" if pro_forma else GROUNDS[int(r() * len(GROUNDS))]
        period = days.objection_period(decision)
        counted, _step = self.counted_from(period, days.dates[received], self.interpretation)
        details = {
            "case_id": str(c.id),
            "decision_reference": f"{prefix}-{days.dates[decision].year}-{int(r() * 99999):05d}",
            "decision_subject": subject,
            "decision_date": days.iso[decision],
            "decision_department": department,
            "grounds": grounds,
            "pro_forma": "t" if pro_forma else "f",
            "signed": "t" if signed else "f",
            "costs_reimbursement_requested": "t" if r() < 0.12 else "f",
            "_counted": days.number(counted),
            "_decision": decision,
            "_complete": signed and not pro_forma,
        }
        description = (
            f"Ik maak bezwaar tegen de {subject} van {days.dates[decision]:%d-%m-%Y}. "
            + (grounds or "De gronden volgen.")
        )
        return f"Bezwaar tegen {subject}", description, details

    # ---- complaint workflow (cases.workflows.complaint)

    def complaint_life(self, c: _Case) -> None:
        r, now, d = self.rng.random, self.now, c.details
        stamp_json = self.days.stamp_json
        x = r()
        t = self.office(
            c, c.registered, 0 if x < 0.45 else 1 if x < 0.75 else 2 if x < 0.9 else 3 + r() * 3
        )
        if t > now:
            return
        self.claim(c, t - min(120, (t - c.registered) // 2))
        by = c.assignee
        self.step(c, t, "confirm_receipt", "awaiting_contact", by)
        d["receipt_confirmed_at"] = self.days.stamp(t)
        self.meet(c, "receipt_confirmation", t, by, "receipt confirmed (Awb 9:6)")
        if r() < 0.04:
            return self.withdraw_complaint(c, self.office(c, t, 2 + r() * 8))
        t = self.office(c, t, r() * r() * 3)  # phone first: the call follows at once
        if t > now:
            return
        t, reached = self.calls(c, t, 0.65)
        if t > now:
            return
        if not reached:
            t = self.office(c, t, 1)
            if t > now:
                return
            self.step(c, t, "offer_written_contact", "written_contact", by)
        x = r()
        if x < (0.6 if reached else 0.3):
            t = self.office(c, t, r() * 8)
            if t > now:
                return
            via = "phone" if reached else ("letter", "email")[int(r() * 2)]
            confirmed = t - int(r() * 3600)
            solution = "Excuses gemaakt en de melding alsnog opgepakt."
            self.step(
                c,
                t,
                "resolve_informally",
                "resolved_informally",
                by,
                f', "solution": "{solution}", "confirmed_via": "{via}", '
                f'"confirmed_at": {stamp_json(confirmed)}',
            )
            d.update(
                informal_solution=solution,
                satisfaction_confirmed_via=via,
                satisfaction_confirmed_at=self.days.stamp(confirmed),
            )
            self.meet(c, "first_contact", t, by, "resolved in conversation")
            self.meet(c, "complaint_handling", t, by, "resolved informally (Awb 9:5)")
            self.cancel_open(c, t, by, "resolved informally (Awb 9:5)")
            return self.closed(c, t)
        x = r()
        if x < 0.06:
            t = self.office(c, t, 1 + r() * 10)
            if t > now:
                return
            ground = (
                "already_handled",
                "older_than_a_year",
                "objection_possible",
                "insufficient_interest",
            )[int(r() * 4)]
            explanation = "Deze klacht valt buiten de klachtregeling."
            self.step(
                c,
                t,
                "not_handle",
                "not_handled",
                by,
                f', "ground": "{ground}", "explanation": "{explanation}"',
            )
            d.update(not_handled_ground=ground, closing_reason=explanation)
            self.cancel_open(c, t, by, f"not handled (Awb 9:8): {ground}")
            return self.closed(c, t)
        if x < 0.1:
            t = self.office(c, t, 1 + r() * 5)
            if t > now:
                return
            to = ("Omgevingsdienst Regio", "Belastingsamenwerking", "Provincie")[int(r() * 3)]
            self.step(
                c,
                t,
                "forward",
                "forwarded",
                by,
                f', "to": "{to}", "reason": "Niet onze bevoegdheid."',
            )
            d.update(
                forwarded_to=to,
                forwarded_at=self.days.stamp(t),
                closing_reason="Niet onze bevoegdheid.",
            )
            self.cancel_open(c, t, by, f"forwarded to {to}")
            return self.closed(c, t)
        # Formal handling (9:7: by a handler not involved; the person complained about
        # gets a copy, 9:9).
        t = self.office(c, t, 1 + r() * 4)
        if t > now:
            return
        self.step(c, t, "start_formal_handling", "formal_handling", by)
        if r() < 0.05:
            t = self.office(c, t, 1 + r() * 3)
            if t > now:
                return
            if (
                self.open_term(c, "complaint_handling")
                and t // DAY <= self.open_term(c, "complaint_handling").due
            ):
                name = "Klachtadviescommissie"
                self.step(c, t, "involve_committee", None, by, f', "name": "{name}"')
                d.update(with_committee="t", committee_name=name)
                self.extend(
                    c,
                    "complaint_handling",
                    t,
                    by,
                    f"advisory committee: {name} (Awb 9:11(1))",
                    "",
                    with_committee=True,
                )
        if r() < 0.03:
            return self.withdraw_complaint(c, self.office(c, t, 2 + r() * 10))
        if r() < 0.55:
            t = self.office(c, t, 2 + r() * 6)
            if t > now:
                return
            hearing = (
                self.days.workday_after(t // DAY, 8 + int(r() * 8)) * DAY
                + (10 if r() < 0.5 else 14) * 3600
            )
            location = "Stadhuis, spreekkamer 2" if r() < 0.7 else "Videoverbinding (Teams)"
            self.step(
                c,
                t,
                "plan_hearing",
                "hearing_planned",
                by,
                f', "at": {stamp_json(hearing)}, "location": "{location}"',
            )
            d.update(hearing_at=self.days.stamp(hearing), hearing_location=location)
            t = hearing + 3600 + int(r() * 2 * DAY)
            if t > now:
                return
            report = "Beide partijen gehoord; verslag bijgevoegd."
            self.step(c, t, "hold_hearing", "hearing_done", by, f', "report": "{report}"')
            d["hearing_report"] = report
        else:
            t = self.office(c, t, 2 + r() * 8)
            if t > now:
                return
            ground = ("manifestly_unfounded", "waived", "not_requested")[int(r() * 3)]
            self.step(c, t, "waive_hearing", "hearing_done", by, f', "ground": "{ground}"')
            d["hearing_waived_ground"] = ground
        if r() < 0.12:
            term = self.open_term(c, "complaint_handling")
            if term is not None and term.state == RUNNING and t // DAY <= term.due:
                weeks = 2 + int(r() * 3)
                reason = "Nader onderzoek nodig."
                self.step(
                    c,
                    t,
                    "extend_term",
                    None,
                    by,
                    f', "weeks": {weeks}, "reason": "{reason}", "consent": false',
                )
                d["extensions"] = "1"
                self.extend(
                    c,
                    "complaint_handling",
                    t,
                    by,
                    reason,
                    f"{c.ref}:complaint_extension_notice",
                    extension_weeks=weeks,
                    consented_weeks=0,
                )
        t = self.office(c, t, 3 + r() * 12)
        if t > now:
            return
        judgement = ("founded", "partly_founded", "unfounded", "unfounded", "no_judgement")[
            int(r() * 5)
        ]
        findings = "Uit het onderzoek blijkt hoe het is gegaan."
        conclusions = (
            "Wij bieden excuses aan en nemen maatregelen."
            if judgement != "unfounded"
            else "Geen aanleiding tot maatregelen."
        )
        self.step(
            c,
            t,
            "record_outcome",
            "closed",
            by,
            f', "findings": "{findings}", "judgement": "{judgement}", '
            f'"conclusions": "{conclusions}", "measures": ""',
        )
        d.update(findings=findings, judgement=judgement, conclusions=conclusions)
        self.meet(c, "complaint_handling", t, by, "outcome sent (Awb 9:12)")
        self.cancel_open(c, t, by, "outcome sent")
        self.closed(c, t)

    def withdraw_complaint(self, c: _Case, t: int) -> None:
        if t > self.now:
            return
        by = c.assignee or c.handler[0]
        self.step(c, t, "withdraw", "withdrawn", by, ', "reason": "De klacht is ingetrokken."')
        c.details["closing_reason"] = "De klacht is ingetrokken."
        self.cancel_open(c, t, by, "withdrawn by the complainant")
        self.closed(c, t)

    def closed(self, c: _Case, t: int) -> None:
        c.closed_at = t
        if c.kind == "complaint" and self.rng.random() < 0.12:  # case_rate
            rated = self.office(c, t, 1 + self.rng.random() * 15)
            if rated <= self.now:
                rating = (1, 2, 3, 3, 4, 4, 4, 5, 5, 5)[int(self.rng.random() * 10)]
                by = c.registered_by if c.registered_by in self.people.residents else c.handler[0]
                self.emit(
                    "satisfaction",
                    f"{self.next_id('satisfaction')}\t{c.id}\t{rating}\t\t{self.days.stamp(rated)}\t{by}",
                )
                self.event(c, "satisfaction", rated, by, f'{{"rating": {rating}}}')

    # ---- objection workflow (cases.workflows.objection)

    def objection_life(self, c: _Case) -> None:
        days, r, now, d = self.days, self.rng.random, self.now, c.details
        stamp, stamp_json, iso = days.stamp, days.stamp_json, days.iso
        lawyer = c.lawyer[0]
        t = self.office(c, c.registered, 0 if r() < 0.5 else 1 + r() * 4)
        if t > now:
            return
        self.claim(c, t - min(120, (t - c.registered) // 2))
        by = c.assignee
        self.step(c, t, "confirm_receipt", "admissibility_check", by)
        d["receipt_confirmed_at"] = stamp(t)
        self.meet(c, "receipt_confirmation", t, by, "receipt confirmed (Awb 6:14)")
        if r() < 0.6:  # Prettig contact met de overheid: a call at once, before admission
            call = self.office(c, t, r() * 1.5)
            if call > now:
                return
            t, _reached = self.calls(c, call, 0.6)
            if t > now:
                return
        received = c.received // DAY
        decision = d["_decision"]
        if decision >= received:  # premature: held until the period starts (6:10)
            t = self.office(c, t, 1)
            if t > now:
                return
            self.step(c, t, "hold_premature", "premature_hold", lawyer)
            t = max(self.office(c, (decision + 1) * DAY, 0), t + 3600)
            if t > now:
                return
            self.step(c, t, "release_premature", "admissibility_check", lawyer)
        if not d["_complete"]:  # ask for repair (6:6); the decision term is suspended
            t = self.office(c, t, 1 + r() * 4)
            if t > now:
                return
            requested = t // DAY
            weeks = 2 if r() < 0.8 else 3
            repair_due = days.workday_after(requested + 7 * weeks, 0)
            missing = '["grounds"]' if d["pro_forma"] == "t" else '["signature"]'
            self.step(
                c,
                t,
                "request_repair",
                "repair_requested",
                lawyer,
                f', "missing": {missing}, "term_weeks": {weeks}, '
                f'"requested_on": "{iso[requested]}", "repair_due": "{iso[repair_due]}"',
            )
            d.update(
                missing_elements=missing,
                repair_requested_on=iso[requested],
                repair_due=iso[repair_due],
            )
            term = self.open_term(c, "objection_decision")
            if term is not None and term.state == RUNNING:
                term.state, term.suspended, term.next = SUSPENDED, requested, NEVER
                self.change(
                    term,
                    "suspended",
                    t,
                    lawyer,
                    reason="repair requested (Awb 6:6, 7:10(2))",
                    letter=f"{c.ref}:objection_repair_request",
                    before=term.due,
                )
                self.event(
                    c,
                    "deadline_suspended",
                    t,
                    lawyer,
                    f'{{"deadline": "objection_decision", "since": "{iso[requested]}"}}',
                )
            lapsed = r() < 0.25
            if lapsed:
                on = repair_due
                t = self.office(c, (repair_due + 1) * DAY, r() * 5)
            else:
                on = min(requested + 2 + int(r() * 7 * weeks), repair_due)
                t = self.office(c, on * DAY, r() * 2)
            if t > now:
                return
            if lapsed:
                self.step(c, t, "repair_lapsed", "admissibility_check", lawyer)
                d["repair_lapsed"] = "t"
            else:
                self.step(
                    c,
                    t,
                    "record_repair",
                    "admissibility_check",
                    lawyer,
                    f', "repaired_on": "{iso[on]}", "grounds": "{GROUNDS[1]}", "signed": true',
                )
                d.update(repaired_on=iso[on], grounds=GROUNDS[1], pro_forma="f", signed="t")
            if term is not None and term.state == SUSPENDED:
                from cases.legal.terms import suspension_days

                paused = suspension_days(
                    days.dates[term.suspended],
                    days.dates[on],
                    self.interpretation,
                    term_starts=days.dates[term.start + 1],
                )
                before = term.due
                term.params = {
                    **term.params,
                    "suspended_days": int(term.params.get("suspended_days", 0)) + paused,
                }
                term.due, term.basis = days.term(term.term, term.start, **term.params)
                term.state, term.suspended, term.since = RUNNING, None, t
                self.plan(c, term)
                reason = f"repair term lapsed on {iso[on]}" if lapsed else f"repaired on {iso[on]}"
                self.change(
                    term,
                    "resumed",
                    t,
                    lawyer,
                    reason=reason,
                    before=before,
                    after=term.due,
                    params=f'{{"suspended_days": {paused}}}',
                )
                self.event(
                    c,
                    "deadline_resumed",
                    t,
                    lawyer,
                    f'{{"deadline": "objection_decision", "paused_days": {paused}, '
                    f'"due_after": "{iso[term.due]}"}}',
                )
            if lapsed:
                return self.decide(c, t, "inadmissible", lawyer)
        # Admissibility: on time (6:9, with the postal rule) or late and excused (6:11).
        posted = received - 1 - int(r() * 2) if c.channel == "post" else None
        timeliness = days.timeliness(received, decision, posted)
        if not timeliness.on_time and r() < 0.6:
            t = self.office(c, t, 1 + r() * 5)
            return self.decide(c, t, "inadmissible", lawyer)
        t = self.office(c, t, 1 + r() * 5)
        if t > now:
            return
        excuse = "" if timeliness.on_time else "Bezwaarmaker lag in het ziekenhuis."
        posted_json = f'"{iso[posted]}"' if posted is not None else "null"
        self.step(
            c,
            t,
            "accept",
            "informal_contact",
            lawyer,
            f', "on_time": {"true" if timeliness.on_time else "false"}, '
            f'"timeliness": "{timeliness.reason}", '
            f'"posted_on": {posted_json}, "excusable_reason": "{excuse}"',
        )
        d.update(
            on_time="t" if timeliness.on_time else "f",
            timeliness=timeliness.reason,
            excusable_reason=excuse,
            posted_on=iso[posted] if posted is not None else NULL,
        )
        # The call (Prettig contact met de overheid), unless it took place already.
        reached = c.reached
        if not reached:
            t = self.office(c, t, r() * 4)
            if t > now:
                return
            t, reached = self.calls(c, t, 0.7)
            if t > now:
                return
        x = r()
        if reached and x < 0.33:  # the call resolved it: withdrawn (sometimes a changed decision)
            t = self.office(c, t, 1 + r() * 10)
            if t > now:
                return
            if r() < 0.25:
                new = f"{d['decision_reference']}-W"
                self.step(
                    c,
                    t,
                    "record_changed_decision",
                    None,
                    by,
                    f', "new_decision_reference": "{new}"',
                )
                d["changed_decision_reference"] = new
                t = self.office(c, t, 2 + r() * 10)
                if t > now:
                    return
            return self.withdraw_objection(c, t, by)
        if reached and x < 0.43:  # decided on the call's outcome, without hearing
            t = self.office(c, t, 2 + r() * 10)
            return self.decide(c, t, ("founded", "partly_founded")[int(r() * 2)], by)
        t = self.office(c, t, 1 + r() * 3)
        if t > now:
            return
        self.step(c, t, "continue_formally", "formal_handling", by)
        if r() < 0.25:  # the advisory committee (7:13): 12 weeks
            t = self.office(c, t, 1 + r() * 3)
            if t > now:
                return
            term = self.open_term(c, "objection_decision")
            if term is not None and (term.state == SUSPENDED or t // DAY <= term.due):
                name = "Commissie bezwaarschriften"
                self.step(c, t, "refer_committee", None, by, f', "name": "{name}"')
                d.update(with_committee="t", committee_name=name)
                self.extend(
                    c,
                    "objection_decision",
                    t,
                    by,
                    f"advisory committee {name} (Awb 7:13, 7:10(1))",
                    f"{c.ref}:objection_committee_referral",
                    with_committee=True,
                )
        if r() < 0.04:
            return self.withdraw_objection(c, self.office(c, t, 2 + r() * 10), by)
        if r() < 0.15:  # postponed once (7:10(3))
            t = self.office(c, t, 2 + r() * 8)
            if t > now:
                return
            term = self.open_term(c, "objection_decision")
            if term is not None and term.state == RUNNING and t // DAY <= term.due:
                weeks = 6 if r() < 0.7 else 4
                reason = "Het advies van de commissie laat op zich wachten."
                self.step(
                    c,
                    t,
                    "postpone",
                    None,
                    by,
                    f', "weeks": {weeks}, "reason": "{reason}", "consent": false, '
                    f'"interested_parties_consent": false, "statutory_ground": ""',
                )
                d["postponements"] = "1"
                self.extend(
                    c,
                    "objection_decision",
                    t,
                    by,
                    reason,
                    f"{c.ref}:objection_postponement_notice",
                    postponement_weeks=weeks,
                    further_weeks=0,
                )
        if (
            r() < 0.67
        ):  # a hearing: invited more than 10 days ahead (7:2), documents a week before (7:4)
            t = self.office(c, t, 2 + r() * 10)
            if t > now:
                return
            invited = t // DAY
            hearing_day = days.workday_after(invited + 11 + int(r() * 14), 0)
            hearing = hearing_day * DAY + (19 if r() < 0.5 else 10) * 3600
            inspection = hearing_day - 7 - int(r() * 3)
            location = "Stadhuis, commissiekamer" if r() < 0.8 else "Videoverbinding (Teams)"
            place = "Stadhuis, balie Juridische Zaken"
            self.step(
                c,
                t,
                "plan_hearing",
                "hearing_planned",
                by,
                f', "at": {stamp_json(hearing)}, "location": "{location}", '
                f'"inspection_from": "{iso[inspection]}", "inspection_place": "{place}", '
                f'"invited_on": "{iso[invited]}"',
            )
            d.update(
                hearing_at=stamp(hearing),
                hearing_invited_on=iso[invited],
                hearing_location=location,
                inspection_from=iso[inspection],
                inspection_place=place,
            )
            t = hearing + 7200 + int(r() * 2 * DAY)
            if t > now:
                return
            report = "Bezwaarmaker en gemachtigde gehoord; verslag toegevoegd."
            self.step(c, t, "hold_hearing", "heard", by, f', "report": "{report}"')
            d["hearing_report"] = report
        else:
            t = self.office(c, t, 2 + r() * 10)
            if t > now:
                return
            ground = ("manifestly_unfounded", "waived", "not_requested", "granted_in_full")[
                int(r() * 4)
            ]
            self.step(c, t, "waive_hearing", "heard", by, f', "ground": "{ground}"')
            d["hearing_waived_ground"] = ground
        outcome = (
            "unfounded",
            "unfounded",
            "unfounded",
            "founded",
            "partly_founded",
            "partly_founded",
        )[int(r() * 6)]
        if d.get("with_committee") == "t":
            t = self.office(c, t, 5 + r() * 15)
            if t > now:
                return
            advice = "De commissie adviseert het bezwaar ongegrond te verklaren."
            self.step(
                c,
                t,
                "receive_advice",
                None,
                by,
                f', "advice": "{advice}", "recommendation": "{outcome}"',
            )
            d.update(committee_advice=advice, committee_recommendation=outcome)
        self.decide(c, self.office(c, t, 3 + r() * 12), outcome, by)

    def decide(self, c: _Case, t: int, outcome: str, drafter: int) -> None:
        """Draft (by the handler or a lawyer), review by a second lawyer (four eyes, now
        and then sent back once), approve: the decision term is met; then close."""
        days, r, d, now = self.days, self.rng.random, c.details, self.now
        if t > now:
            return
        source = c.status
        costs = (
            "not_requested"
            if d["costs_reimbursement_requested"] == "f"
            else ("awarded" if outcome in ("founded", "partly_founded") else "refused")
        )
        reasons = (
            "Het besluit wordt in stand gelaten."
            if outcome == "unfounded"
            else "Zie de overwegingen."
        )
        new_decision = (
            f"{d['decision_reference']}-H" if outcome in ("founded", "partly_founded") else ""
        )
        draft = (
            f', "outcome": "{outcome}", "reasons": "{reasons}", "costs": "{costs}", '
            f'"new_decision_reference": "{new_decision}", "departs_from_advice_reasons": ""'
        )
        self.step(c, t, "draft_decision", "decision_drafted", drafter, draft)
        d.update(
            outcome=outcome,
            reasons=reasons,
            costs=costs,
            new_decision_reference=new_decision,
            draft_source=source,
            drafted_by_id=str(drafter),
            drafted_at=days.stamp(t),
        )
        lawyers = self.people.lawyers
        reviewer = lawyers[int(r() * len(lawyers))][0]
        if reviewer == drafter:
            reviewer = next(lawyer for lawyer, _u in lawyers if lawyer != drafter)
        t = self.office(c, t, 1 + r() * 4)
        if t > now:
            return
        if r() < 0.1:
            comments = "Motivering aanscherpen."
            self.step(c, t, "reject_decision", source, reviewer, f', "comments": "{comments}"')
            d.update(reviewed_by_id=str(reviewer), review_comments=comments)
            t = self.office(c, t, 1 + r() * 4)
            if t > now:
                return
            self.step(c, t, "draft_decision", "decision_drafted", drafter, draft)
            d.update(drafted_at=days.stamp(t), reviewed_by_id=NULL, review_comments="")
            t = self.office(c, t, 1 + r() * 3)
            if t > now:
                return
        self.step(c, t, "approve_decision", "decided", reviewer)
        d.update(reviewed_by_id=str(reviewer), decided_at=days.stamp(t))
        self.meet(c, "objection_decision", t, reviewer, "decision taken (Awb 7:11)")
        sent = days.workday_after(t // DAY, 0 if (t % DAY) < 15 * 3600 else 1)
        if sent * DAY <= now:
            d["decision_sent_on"] = days.iso[sent]
        t = self.office(c, t, r() * 5)
        if t > now:
            return
        self.step(c, t, "close", "closed", c.assignee or drafter)
        self.cancel_open(c, t, c.assignee or drafter, "closed")
        self.closed(c, t)

    def withdraw_objection(self, c: _Case, t: int, by: int) -> None:
        if t > self.now:
            return
        reason = "Na het telefoongesprek trekt bezwaarmaker het bezwaar in."
        self.step(c, t, "withdraw", "withdrawn", by, f', "reason": "{reason}"')
        c.details["closing_reason"] = reason
        self.cancel_open(c, t, by, "withdrawn by the objector")
        self.closed(c, t)

    # ---- the case's own rows

    def write_case(self, c: _Case, subject: str, description: str) -> None:
        days = self.days
        iso = days.iso
        for d in c.terms:
            self.emit(
                "deadline",
                f"{d.id}\t{c.id}\t{d.kind}\t{'t' if d.is_norm else 'f'}\t{d.term}\t"
                f"{d.params_json()}\t"
                f"{iso[d.start]}\t{iso[d.due]}\t{d.basis}\t{d.state}\t"
                f"{NULL if d.suspended is None else iso[d.suspended]}\t"
                f"{NULL if d.closed is None else iso[d.closed]}\t{days.stamp(d.created)}",
            )
        running = [d.due for d in c.terms if d.state == RUNNING]
        queue_due = iso[min(running)] if running else NO_DUE
        names = " ".join(f"{name} {organisation}".strip() for name, organisation in c.parties)
        search = f"{c.ref} {subject} {description} {names}"
        self.emit(
            "case",
            f"{c.id}\t{c.ref}\t{c.kind}\t{c.status}\t{subject}\t{description}\t{c.channel}\t"
            f"{days.stamp(c.received)}\t{days.stamp(c.registered)}\t"
            f"{NULL if c.registered_by is None else c.registered_by}\t"
            f"{NULL if c.team is None else c.team}\t{NULL if c.assignee is None else c.assignee}\t"
            f"{NULL if c.assigned_at is None else days.stamp(c.assigned_at)}\t{queue_due}\t"
            f"{NULL if c.closed_at is None else days.stamp(c.closed_at)}\t{search}",
        )
        table = "complaint" if c.kind == "complaint" else "objection"
        spec = self.tables[table]
        values = [NULL] * spec.width
        defaults = self.detail_defaults[table]
        index = spec.index
        for name, value in c.details.items():
            if name[0] != "_":
                values[index[name]] = value
        for position, value in enumerate(values):
            if value is NULL:
                values[position] = defaults[position]
        self.emit(table, "\t".join(values))

    # ---- the chunks

    def chunks(self, size: int) -> Iterator[tuple[dict[str, bytes], int]]:
        """Rows of ``size`` cases at a time, per table, in the order of registration."""
        days, r = self.days, self.rng.random
        today = self.now // DAY
        first = today - int(self.years * 365.25)
        span = list(range(first, today + 1))
        # Weekdays busier than weekends and holidays; slowly growing over the years.
        weights = []
        for day in span:
            weight = 1.0 if days.working[day] else 0.3
            weight *= 1 + 0.15 * (day - first) / 365.25
            if day == today:
                weight *= (self.now % DAY) / DAY
            weights.append(weight)
        total = sum(weights)
        expected = [self.count * w / total for w in weights]
        per_day = [int(e) for e in expected]
        short = self.count - sum(per_day)
        by_fraction = sorted(range(len(span)), key=lambda n: expected[n] - per_day[n], reverse=True)
        for n in by_fraction[:short]:
            per_day[n] += 1
        self.new_rows()
        made = 0
        # Cases in the order they are registered (ids, references): a letter received
        # on Friday may be registered after a form sent on Monday. A case is final once
        # the days generated have passed its registration.
        waiting: list[tuple[int, int, str, str]] = []
        for day, n in zip([*span, None], [*per_day, 0], strict=True):
            ready = (day * DAY) if day is not None else NEVER
            while waiting and waiting[0][0] < ready:
                registered, received, kind, channel = heapq.heappop(waiting)
                self.ids["case"] += 1
                self.one(self.ids["case"], kind, received, registered, channel)
                made += 1
                if made % size == 0:
                    yield self.take(), made
            for _ in range(n):
                kind = "objection" if r() < 0.4 else "complaint"
                bounds, names = self.channels[kind]
                x = r() * bounds[-1]
                channel = names[next(i for i, b in enumerate(bounds) if x < b)]
                if channel in OFFICE_CHANNELS and not days.working[day]:
                    channel = "web"
                if channel in OFFICE_CHANNELS:
                    second = 8 * 3600 + 1800 + int(r() * 8.5 * 3600)
                elif r() < 0.9:  # forms and e-mail: mostly by day, some in the evening
                    second = int(self.rng.triangular(6.5, 23.9, 13) * 3600)
                else:
                    second = int(r() * DAY)
                received = day * DAY + second
                if received > self.now:  # today: up to now
                    received = day * DAY + int(r() * (self.now - day * DAY))
                registered = self.registration(received, channel)
                heapq.heappush(waiting, (registered, received, kind, channel))
        if made % size:
            yield self.take(), made

    def new_rows(self) -> None:
        self.rows = {name: [] for name in self.tables}
        self.events, self.changes = self.rows["event"], self.rows["change"]
        self.notifications = self.rows["notification"]

    def take(self) -> dict[str, bytes]:
        chunk = {}
        for name, lines in self.rows.items():
            suffix = self.tables[name].suffix
            chunk[name] = (suffix.join(lines) + suffix).encode() if lines else b""
        self.new_rows()
        return chunk


# --- the database side -----------------------------------------------------------------


def _tables() -> dict[str, _Table]:
    """The tables the seeder writes, in the order they are copied (parents first), each
    with the columns it gives."""
    from cases import models

    columns = {
        "case": (
            models.Case,
            "id reference kind status subject description channel received_at registered_at "
            "registered_by_id team_id assignee_id assigned_at queue_due_date closed_at "
            "search_document",
        ),
        "complaint": (
            models.ComplaintDetails,
            "case_id employee_description conduct_date receipt_confirmed_at informal_solution "
            "satisfaction_confirmed_via satisfaction_confirmed_at hearing_at hearing_location "
            "hearing_report hearing_waived_ground with_committee committee_name extensions "
            "findings judgement conclusions not_handled_ground forwarded_to forwarded_at "
            "closing_reason",
        ),
        "objection": (
            models.ObjectionDetails,
            "case_id decision_reference decision_subject decision_date decision_department "
            "grounds pro_forma signed costs_reimbursement_requested receipt_confirmed_at "
            "posted_on on_time timeliness excusable_reason missing_elements "
            "repair_requested_on repair_due repaired_on repair_lapsed "
            "changed_decision_reference hearing_at hearing_invited_on hearing_location "
            "inspection_from inspection_place hearing_report hearing_waived_ground "
            "with_committee committee_name committee_advice committee_recommendation "
            "postponements outcome reasons costs new_decision_reference draft_source "
            "drafted_by_id drafted_at reviewed_by_id review_comments decided_at "
            "decision_sent_on closing_reason",
        ),
        "party": (
            models.Party,
            "id case_id role party_type name organisation_name street house_number "
            "house_number_addition postal_code city country email phone preferred_channel "
            "preferred_contact_times language needs_interpreter interpreter_language "
            "needs_extra_care care_note letters_by_email large_print",
        ),
        "deadline": (
            models.Deadline,
            "id case_id kind is_norm term params start_date due_date legal_basis state "
            "suspended_since closed_on created_at",
        ),
        "change": (
            models.DeadlineChange,
            "id deadline_id kind occurred_at by_id reason letter_reference due_before "
            "due_after params",
        ),
        "notification": (
            models.DeadlineNotification,
            "id deadline_id stage days_before recipient_id created_at sent_at",
        ),
        "event": (models.CaseEvent, "id case_id kind occurred_at actor_id data text"),
        "contact": (
            models.ContactMoment,
            "id case_id occurred_at by_id channel outcome callback_at note recorded_at",
        ),
        "satisfaction": (
            models.Satisfaction,
            "id case_id rating comment recorded_at recorded_by_id",
        ),
    }
    return {name: _Table(model, names.split()) for name, (model, names) in columns.items()}


def _detail_defaults(table: _Table, model: Any) -> list[str]:
    """The default of each given column of a details table, for the values a case leaves
    empty (``NULL`` where the column is nullable, else its default, ``""`` for text)."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    return [
        NULL if fields[column].null else _text(fields[column].get_default())
        for column in table.columns[: table.width]
    ]


def _max_ids(cursor, tables: dict[str, _Table]) -> dict[str, int]:
    found = {}
    for name, table in tables.items():
        if name in ("complaint", "objection"):
            continue
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table.name}"')
        found[name] = cursor.fetchone()[0]
    return found


def _references_in_use(cursor) -> dict[tuple[str, int], int]:
    """The highest number per prefix and year: in the cases, the counters and the
    service's reference sequences (``services.reference_allocate``)."""
    used: dict[tuple[str, int], int] = {}

    def note(prefix: str, year: int, number: int) -> None:
        used[(prefix, year)] = max(used.get((prefix, year), 0), number)

    cursor.execute(
        "SELECT left(reference, 2), substr(reference, 4, 4)::int, "
        "max(substr(reference, 9)::bigint) FROM cases_case "
        "WHERE reference ~ '^[A-Z]{2}-[0-9]{4}-[0-9]+$' GROUP BY 1, 2"
    )
    for prefix, year, number in cursor.fetchall():
        note(prefix, year, number)
    cursor.execute("SELECT prefix, year, last_number FROM cases_referencecounter")
    for prefix, year, number in cursor.fetchall():
        note(prefix, year, number)
    cursor.execute(
        "SELECT sequencename, last_value FROM pg_sequences "
        "WHERE schemaname = current_schema() AND sequencename LIKE 'case_reference_%%'"
    )
    for name, last in cursor.fetchall():
        _, _, prefix, year = name.split("_")
        if last is not None:
            note(prefix.upper(), int(year), last)
    return used


def _references_reserve(cursor, used: dict[tuple[str, int], int]) -> None:
    """Counters and sequences past the numbers the seeder used: the next filing of that
    kind and year takes the next number."""
    for (prefix, year), number in used.items():
        cursor.execute(
            "INSERT INTO cases_referencecounter (prefix, year, last_number) VALUES (%s, %s, %s) "
            "ON CONFLICT (prefix, year) DO UPDATE SET last_number = "
            "GREATEST(cases_referencecounter.last_number, EXCLUDED.last_number)",
            [prefix, year, number],
        )
        name = f"case_reference_{prefix.lower()}_{year:04d}"
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            cursor.execute(
                "SELECT setval(%s::text::regclass, GREATEST(%s, (SELECT last_value FROM "
                "pg_sequences WHERE sequencename = %s AND schemaname = current_schema())))",
                [name, number, name],
            )


def _sequences_past(cursor, tables: dict[str, _Table], ids: dict[str, int]) -> None:
    for name, last in ids.items():
        table = tables[name].name
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(%s, 1), %s)",
            [f'"{table}"', last, last > 0],
        )


class _Stream(io.RawIOBase):
    """A chunk's bytes as a file for ``copy_expert``."""

    def __init__(self, data: bytes):
        self.view, self.position = memoryview(data), 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        end = len(self.view) if size is None or size < 0 else self.position + size
        piece = self.view[self.position : end]
        self.position += len(piece)
        return bytes(piece)


def _superuser(cursor) -> bool:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cursor.fetchone()[0])


def _fast_session(cursor, trusted: bool) -> None:
    """For this transaction: no wait for the WAL flush at commit, and - the foreign keys
    are right by construction - with the right to say so (a superuser) no per-row checks
    of them. Both come back at the end of the transaction (``SET LOCAL``)."""
    cursor.execute("SET LOCAL synchronous_commit = off")
    cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")  # full-text index, in bulk
    if trusted:
        cursor.execute("SET LOCAL session_replication_role = replica")


def _normal_session(cursor, trusted: bool) -> None:
    """Back to normal before the transaction ends (inside a test's transaction it goes on)."""
    if trusted:
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    cursor.execute("SET LOCAL synchronous_commit = DEFAULT")
    cursor.execute("SET LOCAL gin_pending_list_limit = DEFAULT")


def _plain_indexes(cursor, tables: dict[str, _Table]) -> list[tuple[str, str]]:
    """The B-tree indexes that back no constraint (not primary, not unique), name and
    definition: cheaper to build once after a large load (in parallel) than to keep up row
    by row. The full-text index (GIN) stays: it costs about the same either way, and kept
    up during the load it works while this process waits for rows."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary "
        "AND a.amname = 'btree' ORDER BY i.indexrelid",
        [[f'"{t.name}"' for t in tables.values()]],
    )
    return cursor.fetchall()


def _produce(generator: _Generator, size: int, out: Any) -> None:
    """The generating process: each chunk's rows, with the ids and references used so far."""
    try:
        for rows, _made in generator.chunks(size):
            out.put((rows, dict(generator.ids), dict(generator.used_refs)))
        out.put(None)
    except BaseException:  # noqa: BLE001 - reported by the parent
        out.put(traceback.format_exc())


def _chunks_generated(generator: _Generator, size: int) -> Iterator[tuple]:
    """The chunks, made in a second process while this one copies the chunk before (two
    cores busy; a thread would fight this one for the interpreter lock). One chunk is
    made here, in process."""
    if generator.count <= size:
        for rows, _made in generator.chunks(size):
            yield rows, dict(generator.ids), dict(generator.used_refs)
        return
    context = multiprocessing.get_context("fork")  # the generator is inherited, not pickled
    out = context.Queue(maxsize=2)
    process = context.Process(target=_produce, args=(generator, size, out), daemon=True)
    process.start()
    try:
        while True:
            waited = time.perf_counter()
            item = out.get()
            last_timings["waiting for rows"] = (
                last_timings.get("waiting for rows", 0.0) + time.perf_counter() - waited
            )
            if item is None:
                break
            if isinstance(item, str):
                raise RuntimeError(f"bench.seed: generating failed:\n{item}")
            yield item
        process.join()
    finally:
        if process.is_alive():
            process.terminate()
            process.join()


# Timings of the last seed_cases call, by phase (printed by main).
last_timings: dict[str, float] = {}


def seed_cases(
    count: int,
    *,
    seed: int = 42,
    years: float = 3.0,
    chunk: int = 5000,
    rebuild_indexes: bool | None = None,
) -> float:
    """Insert ``count`` cases with everything the service writes for them (see the
    module's docstring); returns the seconds it took.

    ``rebuild_indexes`` (default: when the database user is a superuser and the load at
    least doubles the tables, from 20,000 cases): drop the plain indexes, load, build them
    again - all in one transaction, so nothing is ever left without them. Otherwise one
    transaction per chunk, indexes kept up as rows come in.
    """
    from django.conf import settings
    from django.db import connection, transaction

    from cases.models import ComplaintDetails, ObjectionDetails

    start = time.perf_counter()
    last_timings.clear()
    people = _people()
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local_now = datetime.datetime.now(zone)
    today = local_now.date()
    first = today - datetime.timedelta(days=int(years * 366) + 60)
    stages = tuple(sorted(settings.DEADLINE_WARNING_DAYS, reverse=True))
    days = _Days(first, today + datetime.timedelta(days=900), settings.TIME_ZONE, stages)
    clock = local_now.hour * 3600 + local_now.minute * 60 + local_now.second
    now = days.number(today) * DAY + clock
    tables = _tables()
    with connection.cursor() as cursor:
        ids = _max_ids(cursor, tables)
        refs = _references_in_use(cursor)
        trusted = _superuser(cursor)
    if rebuild_indexes is None:
        rebuild_indexes = trusted and count >= max(20_000, ids["case"])
    generator = _Generator(
        days=days,
        people=people,
        tables=tables,
        ids=ids,
        refs=refs,
        count=count,
        years=years,
        now=now,
        rng=random.Random(seed),
        norms=settings.SERVICE_NORMS,
        stages=stages,
        sweep_every=settings.DEADLINE_SWEEP_SECONDS,
    )
    generator.detail_defaults = {
        "complaint": _detail_defaults(tables["complaint"], ComplaintDetails),
        "objection": _detail_defaults(tables["objection"], ObjectionDetails),
    }
    last_timings["setup"] = time.perf_counter() - start

    def copy(cursor, rows: dict[str, bytes]) -> None:
        for name, table in tables.items():
            if rows[name]:
                cursor.copy_expert(table.sql(), _Stream(rows[name]), size=1 << 20)

    def catch_up(cursor, last_ids: dict[str, int], used_refs: dict) -> None:
        _sequences_past(cursor, tables, {k: v for k, v in last_ids.items() if k in ids})
        _references_reserve(cursor, used_refs)

    started = time.perf_counter()
    if rebuild_indexes:
        with transaction.atomic(), connection.cursor() as cursor:
            _fast_session(cursor, trusted)
            indexes = _plain_indexes(cursor, tables)
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
            item = None
            for item in _chunks_generated(generator, chunk):
                copy(cursor, item[0])
            last_timings["generate and copy"] = time.perf_counter() - started
            started = time.perf_counter()
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            last_timings["indexes"] = time.perf_counter() - started
            if item is not None:
                catch_up(cursor, item[1], item[2])
            _normal_session(cursor, trusted)
    else:
        for rows, last_ids, used_refs in _chunks_generated(generator, chunk):
            with transaction.atomic(), connection.cursor() as cursor:
                _fast_session(cursor, trusted)
                copy(cursor, rows)
                catch_up(cursor, last_ids, used_refs)
                _normal_session(cursor, trusted)
        last_timings["generate and copy"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables.values():
            cursor.execute(f'ANALYZE "{table.name}"')
    last_timings["analyze"] = time.perf_counter() - started
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--years", type=float, default=3.0, help="received over this many years")
    parser.add_argument("--chunk", type=int, default=5000, help="cases per COPY transaction")
    args = parser.parse_args()
    from bench.setup import django_for_bench

    django_for_bench()
    seconds = seed_cases(args.cases, seed=args.seed, years=args.years, chunk=args.chunk)
    here = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    phases = ", ".join(f"{name} {value:.1f} s" for name, value in last_timings.items())
    generating = f", generating process {child:,.0f} MiB" if child else ""
    print(
        f"seeded {args.cases:,} cases in {seconds:.1f} s ({args.cases / seconds:,.0f}/s): "
        f"{phases}; peak RSS {here:,.0f} MiB{generating}"
    )


if __name__ == "__main__":
    main()
