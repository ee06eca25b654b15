"""The portal in English, Japanese and Russian: catalogues complete and current, the locale of a
request, formats per locale, project titles in the reader's language, and pages in ja and ru
with no English interface text left (every catalogue msgid is looked for in the HTML)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import Engine, text

from cajad.minerals.demo import TARGET
from cajad.minerals.store import record_run
from cajad.register import session_scope
from cajad.web import create_app, i18n, labels
from cajad.web.templating import percent
from tests.accounts.conftest import JICA, PASSWORD, make_people, owned_by
from tests.minerals.test_store import small_demo

from .conftest import TestClient, build_register

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "src" / "cajad" / "web" / "locale"
TRANSLATED = ("ja", "ru")


def catalogue(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as stream:
        return read_po(stream, locale=lang)


def template() -> Catalog:
    with (LOCALE / "messages.pot").open("rb") as stream:
        return read_po(stream)


def extracted() -> set[str]:
    """The msgids in the sources now, as ``make messages`` extracts them (babel.cfg)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(str(ROOT), method_map, options_map)
    return {msgid if isinstance(msgid, str) else msgid[0] for _f, _l, msgid, *_ in found}


def key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


# --- catalogues --------------------------------------------------------------------------------


def test_the_template_holds_every_message_of_the_sources() -> None:
    """A template or page that adds text fails here until `make messages` is run."""
    pot = {key(m.id) for m in template() if m.id}
    assert extracted() == pot, "run `make messages` and translate the new entries"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_none_fuzzy_none_broken(lang: str) -> None:
    cat = catalogue(lang)
    wanted = {key(m.id) for m in template() if m.id}
    have = {key(m.id): m for m in cat if m.id}
    assert wanted <= have.keys(), f"{lang}: not in the catalogue: {sorted(wanted - have.keys())}"
    untranslated = [
        k
        for k in wanted
        if not (have[k].string if isinstance(have[k].string, str) else all(have[k].string))
    ]
    fuzzy = [k for k in wanted if have[k].fuzzy]
    coverage = 100 * (len(wanted) - len(untranslated)) / len(wanted)
    assert (coverage, untranslated, fuzzy) == (100, [], [])
    assert [(m.id, errors) for m, errors in cat.check()] == []
    assert not [m.id for m in cat.obsolete.values()], "obsolete entries: run `make messages`"


def test_plural_forms_are_those_of_each_language() -> None:
    ja, ru = catalogue("ja"), catalogue("ru")
    assert (ja.num_plurals, ru.num_plurals) == (1, 3)
    plural = [m for m in ru if m.id and isinstance(m.id, tuple)]
    assert plural and all(len(m.string) == 3 for m in plural)
    i18n.use("ru")
    try:
        forms = [
            i18n.ngettext("%(num)s route", "%(num)s routes", n) % {"num": n} for n in (1, 3, 5)
        ]
    finally:
        i18n.use("en")
    assert forms == ["1 маршрут", "3 маршрута", "5 маршрутов"]


def test_the_register_s_codes_all_have_their_words(web_engine: Engine) -> None:
    """Every sector, instrument, transaction type, role and organisation type the register uses
    reads in Japanese and Russian (codelist_words.py marks them for the catalogue)."""
    with web_engine.connect() as db:
        sectors = db.scalars(
            text("SELECT DISTINCT code FROM project_sector WHERE vocabulary = '1'")
        )
        words = [labels.sector(c) for c in sectors]
        instruments = db.scalars(text("SELECT DISTINCT instrument FROM project"))
        words += [labels.instrument(i) for i in instruments if i]
        types = db.scalars(text('SELECT DISTINCT type FROM "transaction"'))
        words += [labels.transaction_type(t) for t in types]
        roles = db.scalars(text("SELECT DISTINCT role FROM participation"))
        words += [labels.role(r) for r in roles]
        kinds = db.scalars(text("SELECT DISTINCT type FROM organisation WHERE type IS NOT NULL"))
        words += [labels.organisation_type(k) for k in kinds]
    for lang in TRANSLATED:
        have = {key(m.id) for m in catalogue(lang) if m.id and m.string}
        missing = sorted(w for w in words if w not in have)
        assert missing == [], f"{lang}: mark these in src/cajad/web/codelist_words.py"


# --- choosing the locale -----------------------------------------------------------------------


def test_accept_language_is_read_by_quality() -> None:
    assert i18n.accepted("ja-JP,ja;q=0.9,en;q=0.5") == ["ja-JP", "ja", "en"]
    assert i18n.accepted("en;q=0.3, ru;q=0.8, *;q=0.1, fr;q=0") == ["ru", "en"]
    assert i18n.negotiate(None, None, "de-DE,ru;q=0.7,en;q=0.5") == "ru"
    assert i18n.negotiate(None, None, "ja-JP") == "ja"
    assert i18n.negotiate(None, None, "fr, de") == "en"
    assert i18n.negotiate(None, "ru", "ja") == "ru"  # the cookie before the header
    assert i18n.negotiate("ja", "ru", "en") == "ja"  # ?lang= before both
    assert i18n.negotiate("xx", "yy", None) == "en"


def html_lang(body: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', body)
    assert found, body[:200]
    return found.group(1)


def test_lang_sets_the_cookie_and_the_page_language(app: object) -> None:
    with TestClient(app) as client:  # type: ignore[arg-type]
        answer = client.get("/", params={"lang": "ja"})
        assert html_lang(answer.text) == "ja"
        assert "cajad_lang=ja" in answer.headers["set-cookie"]
        assert "SameSite=Lax" in answer.headers["set-cookie"]
        assert answer.headers["content-language"] == "ja"
        assert answer.headers["vary"] == "Accept-Language, Cookie"
        again = client.get("/projects", headers={"Accept-Language": "ru"})
        assert html_lang(again.text) == "ja"  # the cookie outranks the header
        assert "set-cookie" not in again.headers
        english = client.get("/method", params={"lang": "en"})
        assert html_lang(english.text) == "en"
        assert "cajad_lang=en" in english.headers["set-cookie"]


def test_accept_language_is_honoured_without_a_choice(app: object) -> None:
    with TestClient(app) as client:  # type: ignore[arg-type]
        ru = client.get("/quality", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"})
        assert html_lang(ru.text) == "ru" and "Качество данных" in ru.text
        other = client.get("/quality", headers={"Accept-Language": "de"})
        assert html_lang(other.text) == "en"


def test_the_switcher_keeps_the_path_and_the_query(client: TestClient) -> None:
    body = client.get("/projects", params={"country": "KZ", "sort": "-amount"}).text
    switcher = body.split('data-testid="language-switcher"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/projects?country=KZ&amp;sort=-amount&amp;lang=ja"' in switcher
    assert 'href="/projects?country=KZ&amp;sort=-amount&amp;lang=ru"' in switcher
    assert ">日本語<" in switcher and ">Русский<" in switcher and 'aria-current="true"' in switcher


def test_the_json_api_stays_english(client: TestClient) -> None:
    answer = client.get(
        "/api/projects/kg-manas-airport-grant-2015", headers={"Accept-Language": "ru"}
    )
    assert "content-language" not in answer.headers and "vary" not in answer.headers
    assert answer.json()["countries"][0]["name"] == "Kyrgyzstan"


# --- formats and titles ------------------------------------------------------------------------


@pytest.fixture
def russian() -> Iterator[None]:
    i18n.use("ru")
    yield
    i18n.use("en")


@pytest.fixture
def japanese() -> Iterator[None]:
    i18n.use("ja")
    yield
    i18n.use("en")


def test_english_formats_are_unchanged() -> None:
    assert labels.amount(Decimal("1234567.891"), 2) == "1,234,567.89"
    assert labels.compact(Decimal("2475403050900.41")) == "2.48 trillion"
    assert i18n.date(dt.date(2025, 12, 19)) == "19 Dec 2025"
    assert i18n.date(dt.date(2025, 12, 1), "month") == "Dec 2025"
    assert i18n.money(Decimal("1234.5"), "JPY") == "JPY\u00a01,234.50"


@pytest.mark.usefixtures("russian")
def test_russian_formats() -> None:
    assert labels.amount(Decimal("1234567.891"), 2) == "1\u00a0234\u00a0567,89"
    assert labels.compact(Decimal("2475403050900.41")) == "2,48 триллиона"
    assert i18n.date(dt.date(2025, 12, 19)) == "19 дек. 2025\u202fг."
    assert percent(Decimal("12.5")) == "12,50\u00a0%"
    assert i18n.money(Decimal("1234.5"), "USD") == "1\u00a0234,50\u00a0USD"
    assert labels.country("KZ") == "Казахстан"


@pytest.mark.usefixtures("japanese")
def test_japanese_formats_keep_the_exact_amount() -> None:
    assert labels.compact(Decimal("2475403050900.41")) == "2.48兆"
    assert labels.compact(Decimal("37000000000")) == "370億"
    assert i18n.date(dt.date(2025, 12, 19)) == "2025年12月19日"
    assert i18n.date(dt.date(2025, 12, 1), "month") == "2025年12月"
    # Decimal all the way: a float would print 0.30000000000000004 here.
    assert labels.amount(Decimal("0.1") + Decimal("0.2"), 2) == "0.30"
    assert labels.amount(Decimal("12345678901234567.125"), 2) == "12,345,678,901,234,567.12"


def test_a_project_page_shows_the_title_of_the_reader_s_language(client: TestClient) -> None:
    page = "/projects/kg-manas-airport-grant-2015"
    ja = client.get(page, headers={"Accept-Language": "ja"}).text
    assert '<h1 data-testid="project-title">マナス国際空港機材整備計画</h1>' in ja
    assert 'lang="en" data-testid="original-title"' in ja
    en = client.get(page).text
    assert "マナス国際空港機材整備計画" not in en
    ru = {"Accept-Language": "ru"}
    russian = client.get("/projects/kg-ggp-2025-alai-gp-center", headers=ru).text
    assert "Центр общеврачебной практики Алайского района" in russian
    listed = client.get("/projects", params={"q": "Manas"}, headers={"Accept-Language": "ja"})
    assert "マナス国際空港機材整備計画" in listed.text
    api = client.get(f"/api{page}").json()
    assert api["titles"] == {"ja": "マナス国際空港機材整備計画"}


# --- no English left ---------------------------------------------------------------------------


class Text(HTMLParser):
    """A page's visible text and the attributes people read (title, aria-label, alt,
    placeholder), leaving out code, scripts, styles and elements in another language."""

    SKIP = frozenset({"script", "style", "code", "pre", "datalist"})
    READ = ("title", "aria-label", "alt", "placeholder")
    VOID = frozenset({"meta", "link", "input", "img", "br", "hr", "source", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.stack: list[bool] = []  # whether each open element is skipped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        skipped = bool(self.stack and self.stack[-1]) or tag in self.SKIP
        skipped = skipped or found.get("lang") not in (None, "", "ja", "ru")
        if not skipped:
            self.chunks += [v for a in self.READ if (v := found.get(a))]
        if tag not in self.VOID:
            self.stack.append(skipped)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]) and data.strip():
            self.chunks.append(data)


def english_left(html: str, messages: dict[str, str]) -> list[str]:
    """The msgids (whose translation differs from them) still in ``html`` in English: a text
    node or attribute equal to one, or any literal run of three words or more of one."""
    reader = Text()
    reader.feed(html)
    chunks = [" ".join(c.split()) for c in reader.chunks]
    whole = " ".join(chunks)
    found = set()
    for msgid in messages:
        parts = [p.strip(" .,:;()") for p in re.split(r"%\([a-z_]+\)s|%%", msgid)]
        if msgid in chunks or any(len(p.split()) >= 3 and p in whole for p in parts):
            found.add(msgid)
    return sorted(found)


def translated_messages(lang: str) -> dict[str, str]:
    out = {}
    for m in catalogue(lang):
        if not m.id:
            continue
        english = key(m.id)
        string = m.string if isinstance(m.string, str) else m.string[0]
        if string and string != english:
            out[english] = string
    return out


#: One address of every page type the public sees: the dashboard, lists, project pages,
#: screening, corridor (routes on a date, a named state, the glossary, flows), minerals, the
#: planner, sign-in, method, quality, the API docs and the error page.
PAGES = (
    "/",
    "/?measure=disbursed",
    "/projects",
    "/projects?since_summit=1&sort=-amount",
    "/projects/kg-manas-airport-grant-2015",
    "/projects/uz-acwa-sazagan-solar-storage-jbic",
    "/projects/uz-acwa-sazagan-solar-storage-jbic/screening",
    "/quality",
    "/method",
    "/screening",
    "/corridor",
    "/corridor?from=Yokohama&to=Tashkent",
    "/corridor?scenario=more-caspian-ferries",
    "/corridor?from=Yokohama&to=Tashkent&as_of=2025-01-15",
    "/corridor?scenario=caspian-winter-2024-25",
    "/corridor/glossary",
    "/corridor/flows",
    "/corridor/flows?scenario=more-caspian-ferries",
    "/minerals",
    "/plan",
    "/plan?budget=2026=100000000000&min_share=country:KZ=0.3",
    "/plan?min_share=country:KZ=0.9&max_share=country:KZ=0.1",
    "/login",
    "/api/docs",
    "/no-such-page",
)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_pages_in_japanese_and_russian_have_no_english_interface_text_left(
    client: TestClient, lang: str
) -> None:
    messages = translated_messages(lang)
    left = {}
    for page in PAGES:
        answer = client.get(page, headers={"Accept-Language": lang})
        assert answer.status_code in (200, 404), page
        assert html_lang(answer.text) == lang
        if found := english_left(answer.text, messages):
            left[page] = found
    assert left == {}


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, list[str]]]:
    """A register with a recorded prospectivity run (the small demo) and an account of each
    role, a client signed in as the admin, and the pages only such a register shows: the run,
    the admin's pages, a project's edit form and its history after an edit."""
    run_dir = small_demo(tmp_path_factory.mktemp("i18n-run"))
    engine = build_register(tmp_path_factory.mktemp("i18n-web") / "cajad.sqlite")
    with session_scope(engine, actor="tester") as session:
        run_id = record_run(session, run_dir, commodity=TARGET).run.id
    make_people(engine)
    project = owned_by(engine, JICA)[0]
    with TestClient(create_app(engine)) as client:
        form = client.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]*)"', form)
        assert csrf is not None
        data = {"email": "admin@example.org", "password": PASSWORD, "csrf_token": csrf[1]}
        assert client.post("/login", data=data, follow_redirects=False).status_code == 303
        edit = client.get(f"/projects/{project}/edit").text
        fields = dict(re.findall(r'name="(csrf_token|version)" value="([^"]*)"', edit))
        saved = client.post(
            f"/projects/{project}/edit",
            data={**fields, "title": "Edited in the i18n test", "stage": "feasibility"},
            follow_redirects=False,
        )
        assert saved.status_code == 303
        pages = [
            f"/minerals/runs/{run_id}",
            "/minerals",
            "/admin/changes",
            "/admin/accounts",
            f"/projects/{project}",
            f"/projects/{project}/edit",
            "/projects/new",
            "/imports",
            "/login",
        ]
        yield client, pages
    engine.dispose()


@pytest.mark.parametrize("lang", TRANSLATED)
def test_signed_in_pages_and_a_run_have_no_english_interface_text_left(
    signed_in: tuple[TestClient, list[str]], lang: str
) -> None:
    """The same for the pages of an admin (and of a register with a prospectivity run)."""
    client, pages = signed_in
    messages = translated_messages(lang)
    left = {}
    for page in pages:
        answer = client.get(page, headers={"Accept-Language": lang})
        assert answer.status_code == 200, page
        assert html_lang(answer.text) == lang
        if found := english_left(answer.text, messages):
            left[page] = found
    assert left == {}


def test_the_english_check_finds_english() -> None:
    """The check above is not vacuous: the English pages are full of the msgids it seeks."""
    messages = translated_messages("ja")
    sample = "<p>Nothing counted yet.</p><a title='Show on the map'>x</a>"
    assert english_left(sample, messages) == ["Nothing counted yet.", "Show on the map"]
    sentence = "<p>Money counted by country, in JPY: Kazakhstan 1</p>"
    assert english_left(sentence, messages) == [
        "Money counted by country, in %(currency)s: %(countries)s"
    ]
