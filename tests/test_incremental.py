"""The incremental path is correct: after an edit, an addition and a deletion, the site equals a
clean build."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from generator.build import build_project, warm_up

from .conftest import MINIMAL_BRIEF, MINIMAL_SOURCE, tree_bytes


def _bundle(n: int) -> dict[str, str]:
    brief = MINIMAL_BRIEF.replace(
        "title: Acme to cut 1,200 jobs", f"title: Acme story {'ABCDEFGHIJ'[n]} cuts 1,200 jobs"
    )
    brief = brief.replace("date: 2025-01-06", f"date: 2025-01-{n + 1:02d}")
    return {f"content/story-{n}/brief.md": brief, f"content/story-{n}/source.txt": MINIMAL_SOURCE}


@pytest.fixture
def library(make_project) -> Path:
    files: dict[str, str] = {}
    for n in range(4):
        files.update(_bundle(n))
    return make_project(files)


def _clean_build_of(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """A clean build of the same content in another folder."""
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("site", ".brief", ".site*"))
    build_project(clean, incremental=False)
    return tree_bytes(clean / "site")


def _assert_same_site(project: Path, tmp_path: Path) -> None:
    got = tree_bytes(project / "site")
    want = _clean_build_of(project, tmp_path)
    assert sorted(got) == sorted(want)
    different = [path for path in want if got[path] != want[path]]
    assert different == []
    index = json.loads(got["search/search_index.json"])
    assert index["docs"], "the search index is whole"
    shutil.rmtree(tmp_path / "clean")


def test_nothing_changed_returns_at_once(library: Path):
    first = build_project(library)
    assert first.mode == "full"
    before = tree_bytes(library / "site")
    again = build_project(library)
    assert again.mode == "unchanged"
    assert tree_bytes(library / "site") == before


def test_edit_rebuilds_only_what_changed_and_equals_a_clean_build(library: Path, tmp_path: Path):
    build_project(library)
    brief = library / "content" / "story-2" / "brief.md"
    brief.write_text(brief.read_text().replace("Acme story C", "Acme story Cee, edited"))
    result = build_project(library)
    assert result.mode == "incremental"
    assert 0 < result.written < result.pages
    page = (library / "site" / "briefs" / "story-2" / "index.html").read_text()
    assert "Acme story Cee, edited" in page
    index = (library / "site" / "search" / "search_index.json").read_text()
    assert "Acme story Cee, edited" in index and "Acme story D" in index
    _assert_same_site(library, tmp_path)


def test_added_brief_equals_a_clean_build(library: Path, tmp_path: Path):
    build_project(library)
    for rel, text in _bundle(7).items():
        path = library / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = build_project(library)
    assert result.mode == "incremental"
    assert (library / "site" / "briefs" / "story-7" / "index.html").is_file()
    _assert_same_site(library, tmp_path)


def test_deleted_brief_equals_a_clean_build(library: Path, tmp_path: Path):
    build_project(library)
    shutil.rmtree(library / "content" / "story-1")
    result = build_project(library)
    assert result.mode == "incremental"
    assert not (library / "site" / "briefs" / "story-1").exists()
    assert "story-1" not in (library / "site" / "search" / "search_index.json").read_text()
    _assert_same_site(library, tmp_path)


def _edit(library: Path, story: int, title: str) -> None:
    brief = library / "content" / f"story-{story}" / "brief.md"
    brief.write_text(brief.read_text().replace(f"Acme story {'ABCDEFGHIJ'[story]}", title))


def test_an_edit_shares_its_pages_between_two_mkdocs_processes_and_equals_a_clean_build(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """MkDocs is readied in a process of its own while the pages render, and a second process
    forked from it builds about half of the pages (its pages and search entries are merged)."""
    from generator import site

    monkeypatch.setattr(site, "cores", lambda: 2)  # shared, whatever the machine has
    shared: list[int] = []
    share = site._AwaitPages._share

    def counted(self, files, config):
        share(self, files, config)
        if self.helper is not None:
            shared.append(len(self.rebuild))
            (tmp_path / "shared").write_text(str(len(self.rebuild)))

    monkeypatch.setattr(site._AwaitPages, "_share", counted)
    build_project(library)
    _edit(library, 2, "Acme story Cee, edited")
    result = build_project(library)
    assert result.mode == "incremental"
    assert (tmp_path / "shared").is_file(), "the pages were shared with a second process"
    index = (library / "site" / "search" / "search_index.json").read_text()
    assert "Acme story Cee, edited" in index
    _assert_same_site(library, tmp_path)


def test_staged_files_that_changed_after_mkdocs_listed_them_are_listed_again(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """MkDocs lists the staged files while the pages still render: when the list it made is
    not the list the build ends with, it starts again from the new one."""
    from generator import site

    listed = site._AwaitPages.on_files

    def out_of_date(self, files, config):
        result = listed(self, files, config)
        self.seen = self.seen | {"briefs/gone-since.md"}
        return result

    monkeypatch.setattr(site._AwaitPages, "on_files", out_of_date)
    build_project(library)
    runs = tmp_path / "runs"
    build_one = site._build_one

    def counted(*args, **kwargs):
        with runs.open("a") as log:  # written in the MkDocs process
            log.write("run\n")
        return build_one(*args, **kwargs)

    monkeypatch.setattr(site, "_build_one", counted)
    _edit(library, 1, "Acme story Bee, edited")
    assert build_project(library).mode == "incremental"
    assert runs.read_text() == "run\nrun\n", "MkDocs started again"
    _assert_same_site(library, tmp_path)


def test_an_edit_whose_mkdocs_process_dies_keeps_the_site(
    library: Path, monkeypatch: pytest.MonkeyPatch
):
    from generator import site
    from generator.errors import BuildError

    build_project(library)
    before = tree_bytes(library / "site")
    monkeypatch.setattr(site, "_edit_build", lambda task: os._exit(3))
    _edit(library, 0, "Acme story Ay, edited")
    with pytest.raises(BuildError, match="without an answer"):
        build_project(library)
    assert tree_bytes(library / "site") == before
    assert not list(library.glob(".site.build-*"))
    monkeypatch.undo()
    assert build_project(library).mode == "incremental"
    assert "Acme story Ay, edited" in (library / "site/briefs/story-0/index.html").read_text()


def test_an_edit_whose_second_mkdocs_process_dies_keeps_the_site(
    library: Path, monkeypatch: pytest.MonkeyPatch
):
    from generator import site
    from generator.errors import BuildError

    monkeypatch.setattr(site, "cores", lambda: 2)
    build_project(library)
    before = tree_bytes(library / "site")
    share = site._AwaitPages._share

    def dies(self, files, config):
        share(self, files, config)
        if self.report is not None:  # in the forked helper
            os._exit(3)

    monkeypatch.setattr(site._AwaitPages, "_share", dies)
    _edit(library, 3, "Acme story Dee, edited")
    with pytest.raises(BuildError, match="without an answer"):
        build_project(library)
    assert tree_bytes(library / "site") == before
    assert not list(library.glob(".site.build-*"))


def test_an_edit_that_fails_to_load_stops_its_mkdocs_process(library: Path):
    import multiprocessing

    from generator.errors import ProblemsError

    build_project(library)
    before = tree_bytes(library / "site")
    brief = library / "content" / "story-2" / "brief.md"
    brief.write_text(brief.read_text().replace("date: 2025-01-03", "date: someday"))
    with pytest.raises(ProblemsError):
        build_project(library)
    assert tree_bytes(library / "site") == before
    assert not list(library.glob(".site.build-*"))
    assert not multiprocessing.active_children()


def test_template_change_rebuilds_everything(library: Path, tmp_path: Path):
    build_project(library)
    (library / "templates").mkdir()
    (library / "templates" / "home.md.j2").write_text(
        "{{ meta }}\n# All briefs\n\n{% for b in bundles %}- {{ b.brief.title }}\n{% endfor %}"
    )
    result = build_project(library)
    assert result.mode == "full"
    assert "All briefs" in (library / "site" / "index.html").read_text()
    _assert_same_site(library, tmp_path)


def test_full_build_in_parts_equals_a_one_process_build(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A large full build runs MkDocs in parts, in several processes: the site is the same."""
    from generator import build, site

    monkeypatch.setattr(site, "PARALLEL_PAGES", 1)
    monkeypatch.setattr(site, "PART_PAGES", 4)  # several parts, more than there are processes
    monkeypatch.setattr(build, "_jobs", lambda: 2)
    seen: list[int] = []
    real = site.run_forked
    monkeypatch.setattr(
        site,
        "run_forked",
        lambda work, tasks, jobs: seen.append(len(tasks)) or real(work, tasks, jobs),
    )
    build_project(library, incremental=False)
    assert seen and seen[0] > 2
    got = tree_bytes(library / "site")
    monkeypatch.setattr(build, "_jobs", lambda: 1)
    assert got == _clean_build_of(library, tmp_path)
    index = json.loads(got["search/search_index.json"])
    pages = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert {"", "briefs/story-0/", "briefs/story-3/", "timeline/"} <= pages


def test_pages_rendered_by_two_processes_equal_those_of_one(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A large full build renders its pages in shares, one process per core: the staged pages,
    the site and what the next build reuses are those of one process."""
    from generator import build, processes
    from generator.cache import read_json

    monkeypatch.setattr(build, "PARALLEL_RENDER", 1)
    monkeypatch.setattr(build, "_jobs", lambda: 2)
    seen = tmp_path / "tasks"  # written by the process that loads (itself a forked one)
    real = processes.run_forked

    def counting(work: object, tasks: list[object], jobs: int) -> list[object]:
        with seen.open("a") as out:
            out.writelines(f"{task!r}\n" for task in tasks if isinstance(task, tuple))
        return real(work, tasks, jobs)  # type: ignore[arg-type]

    monkeypatch.setattr(processes, "run_forked", counting)
    build_project(library, incremental=False)
    assert {"(0, 2)", "(1, 2)"} <= set(seen.read_text().splitlines())
    got = tree_bytes(library / "site")
    staged = tree_bytes(next((library / ".brief").glob("docs-*")))
    (state_path,) = (library / ".brief").glob("state-*.json")
    state = read_json(state_path)

    monkeypatch.setattr(build, "_jobs", lambda: 1)
    build_project(library, incremental=False)
    assert tree_bytes(library / "site") == got
    assert tree_bytes(next((library / ".brief").glob("docs-*"))) == staged
    one = read_json(state_path)
    for part in ("pages", "keys", "memo"):
        assert state[part] == one[part], part

    # A library too large for a copy of it in each process renders in one.
    seen.unlink()
    monkeypatch.setattr(build, "_jobs", lambda: 2)
    monkeypatch.setattr(build, "PARALLEL_RENDER_MAX", 3)
    build_project(library, incremental=False)
    assert "(0, 2)" not in seen.read_text().splitlines()


def test_a_part_that_fails_fails_the_build_and_keeps_the_site(
    library: Path, monkeypatch: pytest.MonkeyPatch
):
    from generator import build, site
    from generator.errors import BuildError

    build_project(library)
    before = tree_bytes(library / "site")
    monkeypatch.setattr(site, "PARALLEL_PAGES", 1)
    monkeypatch.setattr(site, "PART_PAGES", 4)
    monkeypatch.setattr(build, "_jobs", lambda: 2)
    monkeypatch.setattr(site, "_build_part", lambda task: os._exit(3))
    with pytest.raises(BuildError, match="exit code 3"):
        build_project(library, incremental=False)
    assert tree_bytes(library / "site") == before
    assert not list(library.glob(".site.build-*"))


def test_loading_in_worker_processes_finds_the_same_problems(
    library: Path, monkeypatch: pytest.MonkeyPatch
):
    """Briefs loaded by worker processes report their findings at the same lines as one process."""
    from generator import build, content
    from generator.errors import ProblemsError

    brief = library / "content" / "story-1" / "brief.md"
    brief.write_text(brief.read_text().replace("value: 1200", "value: 1300"))
    other = library / "content" / "story-3" / "brief.md"
    other.write_text(other.read_text().replace("text: We have to act now", "text: We must act now"))

    def problems_of_a_build() -> list[str]:
        with pytest.raises(ProblemsError) as caught:
            build_project(library)
        return sorted(p.format() for p in caught.value.problems)

    monkeypatch.setattr(build, "_jobs", lambda: 1)
    serial = problems_of_a_build()
    shutil.rmtree(library / ".brief")
    monkeypatch.setattr(content, "PARALLEL_FROM", 1)
    monkeypatch.setattr(build, "_jobs", lambda: 2)
    parallel = problems_of_a_build()
    assert parallel == serial
    assert any("story-1/brief.md:" in line and "numbers[0].value" in line for line in serial)
    assert any("story-3/brief.md:" in line and "quotes[0]" in line for line in serial)
    assert problems_of_a_build() == serial  # and again, from the cache the workers wrote


def test_a_renamed_folder_gives_its_new_slug(library: Path):
    build_project(library)
    (library / "content" / "story-2").rename(library / "content" / "story-two")
    build_project(library)
    assert (library / "site" / "briefs" / "story-two" / "index.html").is_file()
    assert not (library / "site" / "briefs" / "story-2").exists()


def test_many_edits_in_a_row_each_equal_a_clean_build(library: Path, tmp_path: Path):
    """Edits publish through a second tree a build behind; each site equals a clean build."""
    build_project(library)
    brief = library / "content" / "story-2" / "brief.md"
    for n, title in enumerate(["Acme story Cee one", "Acme story Cee two", "Acme story C"]):
        brief.write_text(
            brief.read_text().replace(brief.read_text().split("\n")[1], f"title: {title}")
        )
        if n == 1:
            shutil.rmtree(library / "content" / "story-0")
        result = build_project(library)
        assert result.mode == "incremental"
        assert title in (library / "site" / "briefs" / "story-2" / "index.html").read_text()
        _assert_same_site(library, tmp_path)
    assert not any(p.name.startswith(".site") for p in library.iterdir())


def test_a_build_that_dies_while_publishing_leaves_the_site_and_the_next_is_whole(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from generator import site

    build_project(library)
    brief = library / "content" / "story-1" / "brief.md"
    brief.write_text(brief.read_text().replace("Acme story B", "Acme story Bee"))
    build_project(library)  # the second tree now exists, one build behind
    before = tree_bytes(library / "site")
    brief.write_text(brief.read_text().replace("Acme story Bee", "Acme story Bea"))
    real = site.apply_changes

    def dies_half_way(new_dir: Path, tree: Path, removed: set[str]) -> list[str]:
        page = new_dir / "briefs" / "story-1" / "index.html"
        page.replace(tree / "briefs" / "story-1" / "index.html")
        raise OSError("disk gone")

    monkeypatch.setattr(site, "apply_changes", dies_half_way)
    with pytest.raises(OSError, match="disk gone"):
        build_project(library)
    assert tree_bytes(library / "site") == before
    monkeypatch.setattr(site, "apply_changes", real)
    # The half-published page must not come back: story-1 is as it was, another brief changes.
    brief.write_text(brief.read_text().replace("Acme story Bea", "Acme story Bee"))
    other = library / "content" / "story-3" / "brief.md"
    other.write_text(other.read_text().replace("Acme story D", "Acme story Dee"))
    assert build_project(library).mode == "incremental"
    assert (
        "Acme story Bea" not in (library / "site" / "briefs" / "story-1" / "index.html").read_text()
    )
    _assert_same_site(library, tmp_path)


def test_a_warm_full_build_readies_the_second_tree_for_the_first_edit(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """As brief serve builds: the first edit after the full build relinks only what changed."""
    from generator import site

    build_project(library, warm=True)

    def no_whole_copy(*args: object) -> None:
        raise AssertionError("the whole site was linked again")

    monkeypatch.setattr(site, "assemble", no_whole_copy)
    brief = library / "content" / "story-1" / "brief.md"
    brief.write_text(brief.read_text().replace("Acme story B", "Acme story Bee"))
    assert build_project(library, warm=True).mode == "incremental"
    monkeypatch.undo()
    _assert_same_site(library, tmp_path)


def test_a_warm_process_starting_on_an_up_to_date_site_loads_it_and_changes_nothing(
    library: Path, monkeypatch: pytest.MonkeyPatch
):
    """brief serve on a built site: the first edit must not pay for loading every brief."""
    from generator import content
    from generator.schema import Brief

    content._MEMO.clear()  # this process has loaded nothing: the build writes every cache entry
    build_project(library)
    site_before = tree_bytes(library / "site")
    staged_before = {
        p: p.stat().st_mtime_ns for p in (library / ".brief").rglob("docs-*/**/*") if p.is_file()
    }
    content._MEMO.clear()  # a new process
    assert build_project(library, warm=True).mode == "unchanged"
    assert warm_up(library)  # as brief serve does once it serves the site
    assert not warm_up(library)  # once is enough
    assert len(content._MEMO) == 4
    assert tree_bytes(library / "site") == site_before
    assert {
        p: p.stat().st_mtime_ns for p in (library / ".brief").rglob("docs-*/**/*") if p.is_file()
    } == staged_before

    validated: list[str] = []
    real = Brief.model_validate_json.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Brief], data: str, *args: object, **kwargs: object) -> Brief:
        validated.append(data)
        return real(cls, data, *args, **kwargs)

    monkeypatch.setattr(Brief, "model_validate_json", classmethod(counting))
    brief = library / "content" / "story-1" / "brief.md"
    brief.write_text(brief.read_text().replace("Acme story B", "Acme story Bee"))
    assert build_project(library, warm=True).mode == "incremental"
    assert validated == []  # the edited brief is parsed from its file; the rest were in memory


def test_party_changes_in_a_warm_process_each_equal_a_clean_build(library: Path, tmp_path: Path):
    """What a process keeps between builds (party pages, related briefs, API texts) follows
    every change of a party: its name in a brief, a new party, a registry that renames one,
    describes one or merges two, while the briefs that name them stay as they were."""
    first = library / "content" / "story-0" / "brief.md"
    first.write_text(
        first.read_text().replace("  - actor: acme\n", "  - actor: acme\n    target: roe\n")
    )
    build_project(library, warm=True)
    latest = library / "content" / "story-3" / "brief.md"  # a party is named by its latest brief
    latest.write_text(latest.read_text().replace("name: Jane Roe", "name: Jane Q. Roe"))
    assert build_project(library, warm=True).mode == "incremental"
    assert "Jane Q. Roe" in (library / "site" / "parties" / "roe" / "index.html").read_text()
    _assert_same_site(library, tmp_path)

    other = library / "content" / "story-2" / "brief.md"
    other.write_text(
        other.read_text()
        .replace("id: acme", "id: acme-corp")
        .replace("actor: acme", "actor: acme-corp")
        .replace("party: acme", "party: acme-corp")
    )
    assert build_project(library, warm=True).mode == "incremental"
    _assert_same_site(library, tmp_path)

    registry = library / "content" / "parties.yaml"
    # Roe gets another id: Acme's page, whose briefs did not change, links to the new one.
    registry.write_text("parties:\n  - id: jane-roe\n    name: Jane Roe\n    kind: person\n")
    build_project(library, warm=True)
    acme_page = library / "site" / "parties" / "acme" / "index.html"
    assert 'href="../jane-roe/"' in acme_page.read_text()
    _assert_same_site(library, tmp_path)

    acme = "  - id: acme\n    name: Acme Corp\n    kind: organization\n"
    registry.write_text(registry.read_text() + acme + "    description: Maker of anvils\n")
    build_project(library, warm=True)
    assert "Maker of anvils" in acme_page.read_text()
    _assert_same_site(library, tmp_path)

    registry.write_text(registry.read_text() + "    aliases: [acme-corp]\n")
    build_project(library, warm=True)
    assert not (library / "site" / "parties" / "acme-corp").exists()
    _assert_same_site(library, tmp_path)


def test_an_edit_works_out_again_only_the_pages_it_touches(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """What a build worked out is kept in its state, so a new process (brief build) gathers
    again only the pages an edit touches: a brief that shares no party with the others."""
    from generator import content, pages

    lone = MINIMAL_BRIEF.replace("title: Acme to cut 1,200 jobs", "title: Zed story")
    for old, new in (("acme", "zed"), ("roe", "doe")):
        lone = lone.replace(f"id: {old}", f"id: {new}").replace(f": {old}\n", f": {new}\n")
    lone = lone.replace("name: Acme Corp", "name: Zed Ltd")
    lone = lone.replace("name: Jane Roe", "name: Jo Doe")
    (library / "content" / "zed").mkdir()
    (library / "content" / "zed" / "brief.md").write_text(lone)
    (library / "content" / "zed" / "source.txt").write_text(MINIMAL_SOURCE)
    build_project(library)
    content._MEMO.clear()  # a new process

    gathered: list[str] = []
    contexts: list[str] = []
    real_party, real_context = pages._render_party, pages.brief_context

    def party(data: object, env: object, party: pages.CanonicalParty) -> object:
        gathered.append(party.id)
        return real_party(data, env, party)  # type: ignore[arg-type]

    def context(data: object, bundle: content.Bundle) -> object:
        contexts.append(bundle.slug)
        return real_context(data, bundle)  # type: ignore[arg-type]

    schemas: list[int] = []
    real_schema = pages._schema_json

    def schema() -> str:
        schemas.append(1)
        return real_schema()

    monkeypatch.setattr(pages, "_render_party", party)
    monkeypatch.setattr(pages, "brief_context", context)
    monkeypatch.setattr(pages, "_schema_json", schema)
    brief = library / "content" / "zed" / "brief.md"
    brief.write_text(brief.read_text().replace("title: Zed story", "title: Zed story, again"))
    assert build_project(library).mode == "incremental"
    assert sorted(gathered) == ["doe", "zed"]
    assert contexts == ["zed"]
    assert schemas == [], "the API's schema is this version's: known, not made again"
    monkeypatch.undo()
    _assert_same_site(library, tmp_path)


def _new_process() -> None:
    """Forget what this process loaded and hashed, as a new `brief build` starts."""
    from generator import content

    content._MEMO.clear()
    content._DIGESTS.clear()
    content._SEEDED.clear()
    content._KEPT.clear()


def test_a_new_process_reads_only_the_files_that_changed(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The last build leaves each bundle's digest by its files' metadata: a new process hashes
    (and reads) only the brief that changed, and reads no source it does not need."""
    from generator import content

    monkeypatch.setattr(content, "SETTLED_NS", -(10**12))  # these files were written just now
    build_project(library)
    _new_process()
    read: list[str] = []
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name in ("brief.md", "source.txt"):
            read.append(f"{self.parent.name}/{self.name}")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    brief = library / "content" / "story-1" / "brief.md"
    brief.write_text(brief.read_text().replace("Acme story B", "Acme story Bee"))
    assert build_project(library).mode == "incremental"
    # The other briefs' pages list the edited one as related, so their sources are read to
    # render them again; their brief.md files are not: the cache has what they hold.
    assert [name for name in read if name.endswith("brief.md")] == ["story-1/brief.md"]
    monkeypatch.undo()
    _assert_same_site(library, tmp_path)


def test_a_digest_stands_for_its_files_only_once_they_are_older_than_it(tmp_path: Path):
    """A file rewritten within a tick of the clock after it was hashed may keep its size and
    times: a digest taken that close to the files' last change is taken again, never trusted."""
    from generator import content

    folder = tmp_path / "story"
    folder.mkdir()
    brief, source = folder / "brief.md", folder / "source.txt"
    brief.write_text("first")
    source.write_text("text")
    first = content.bundle_digest(brief, source)
    brief.write_text("other")  # same size; as if the time stamps had not moved either
    stats = (brief.stat(), source.stat())
    now = tuple(
        value
        for one in stats
        for value in (one.st_size, one.st_mtime_ns, one.st_ctime_ns, one.st_ino)
    )
    changed = max(now[1], now[2], now[5], now[6])
    key = (str(brief), str(source))
    content._DIGESTS[key] = (now, first, changed + 1)  # taken within the tick: not trusted
    assert content.bundle_digest(brief, source, stats) != first
    content._DIGESTS[key] = (now, first, changed + 3 * 10**9)  # taken well after: trusted
    assert content.bundle_digest(brief, source, stats) == first


def test_digests_are_settled_by_the_file_systems_clock_not_this_machines(
    library: Path, monkeypatch: pytest.MonkeyPatch
):
    """A network file system stamps files by its server's clock, which may run behind this
    machine's: files written just now are not settled, however far ahead this machine's clock
    is, so the next build hashes them again rather than trusting their time stamps."""
    import time
    import types

    import orjson

    from generator import content

    _new_process()
    ahead = types.SimpleNamespace(time_ns=lambda: time.time_ns() + 3600 * 10**9)
    monkeypatch.setattr(content, "time", ahead)
    build_project(library)
    stored = orjson.loads((library / ".brief" / "cache" / content.DIGESTS_FILE).read_bytes())
    assert stored["digests"] == {}
    monkeypatch.undo()
    _new_process()
    monkeypatch.setattr(content, "SETTLED_NS", -(10**12))  # as if the files were old
    brief = library / "content" / "story-0" / "brief.md"
    brief.write_text(brief.read_text().replace("Acme story A", "Acme story Ay"))
    build_project(library)
    stored = orjson.loads((library / ".brief" / "cache" / content.DIGESTS_FILE).read_bytes())
    assert len(stored["digests"]) == 4


def _index_files(folder: Path, docs: list[dict[str, str]]) -> Path:
    import orjson

    path = folder / "search" / "search_index.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps({"config": {"lang": ["en"]}, "docs": docs}))
    return path


def test_the_last_search_index_is_cut_by_its_layout_only_while_it_describes_the_file(
    tmp_path: Path,
):
    """An edit's build copies the other pages' search entries from the last index as bytes,
    by where the last build wrote them; a file that changed since, or a layout that does not
    fit it, is parsed instead. Either way the index is the one a full parse gives."""
    import orjson

    from generator import site

    def entry(location: str, text: str) -> dict[str, str]:
        return {"location": location, "title": location or "Home", "text": text}

    last = tmp_path / "last"
    _index_files(
        last, [entry("b/", "bee"), entry("", "home"), entry("a/", "ay"), entry("a/#x", "ex")]
    )
    layout = site.finish_search_index(last, {}, set())
    want = orjson.dumps(
        {
            "config": {"lang": ["en"]},
            "docs": [entry("", "home"), entry("a/", "ay"), entry("a/#x", "ex"), entry("b/", "bee")],
        }
    )
    assert (last / site.SEARCH_INDEX).read_bytes() == want
    chunks = site._page_chunks(last / site.SEARCH_INDEX, layout)
    assert all(isinstance(chunk, memoryview) for chunk in chunks.values())  # cut, not parsed
    assert {page: bytes(chunk) for page, chunk in chunks.items()} == {
        "": orjson.dumps([entry("", "home")])[1:-1],
        "a/": orjson.dumps([entry("a/", "ay"), entry("a/#x", "ex")])[1:-1],
        "b/": orjson.dumps([entry("b/", "bee")])[1:-1],
    }

    # One page rebuilt, one dropped: the rest comes from the last index, in place.
    new = tmp_path / "new"
    _index_files(new, [entry("b/", "bees")])
    site.finish_search_index(new, site.last_search_entries(last, layout), {"a/"})
    assert orjson.loads((new / site.SEARCH_INDEX).read_bytes())["docs"] == [
        entry("", "home"),
        entry("b/", "bees"),
    ]

    # The last index rewritten since (same size, other words), or a layout that does not fit
    # it: parsed, never cut at the old places.
    path = last / site.SEARCH_INDEX
    path.write_bytes(path.read_bytes().replace(b'"ay"', b'"oh"'))
    chunks = site._page_chunks(path, layout)
    assert not any(isinstance(chunk, memoryview) for chunk in chunks.values())
    assert b'"oh"' in chunks["a/"]
    moved = path.read_bytes().replace(b'"location":"b/"', b'"location":"c/"')
    path.write_bytes(moved)  # another page where the layout has b/: same size, same places
    stat = path.stat()
    now = {**layout, "file": [stat.st_ino, stat.st_size, stat.st_mtime_ns]}
    assert sorted(site._page_chunks(path, now)) == ["", "a/", "c/"]
    stat = path.stat()
    shifted = {
        "file": [stat.st_ino, stat.st_size, stat.st_mtime_ns],
        "pages": [[page, start + 1, end + 1] for page, start, end in layout["pages"]],
    }
    for wrong in (shifted, {"file": shifted["file"]}, None, "junk"):
        chunks = site._page_chunks(path, wrong)
        assert not any(isinstance(chunk, memoryview) for chunk in chunks.values())
        assert b'"oh"' in chunks["a/"]


def test_an_edit_cuts_the_last_search_index_rather_than_parsing_it(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from generator import site

    build_project(library)
    cut: list[bool] = []
    real = site._page_chunks
    monkeypatch.setattr(
        site,
        "_page_chunks",
        lambda path, layout: (
            found := real(path, layout),
            cut.append(all(isinstance(c, memoryview) for c in found.values())),
        )[0],
    )
    for letter in "CD":
        brief = library / "content" / "story-2" / "brief.md"
        brief.write_text(brief.read_text().replace("Acme story", f"Acme story {letter}"))
        assert build_project(library).mode == "incremental"
    assert cut == [True, True]
    _assert_same_site(library, tmp_path)


def test_a_bundle_folder_that_is_a_link_is_an_input_like_any_other(library: Path, tmp_path: Path):
    """A walk of content/ does not enter linked folders: a link added later is still seen, and
    one that leads out of content/ is still refused, not skipped as 'up to date'."""
    build_project(library)
    store = library / "content" / "_store" / "story-9"
    store.mkdir(parents=True)
    for rel, text in _bundle(9).items():
        (store / Path(rel).name).write_text(text)
    (library / "content" / "story-9").symlink_to(Path("_store") / "story-9")
    result = build_project(library)
    assert result.mode == "incremental" and result.briefs == 5
    assert (library / "site" / "briefs" / "story-9" / "index.html").is_file()
    outside = tmp_path / "outside"
    outside.mkdir()
    for rel, text in _bundle(8).items():
        (outside / Path(rel).name).write_text(text)
    (library / "content" / "story-8").symlink_to(outside)
    from generator.errors import ProblemsError

    with pytest.raises(ProblemsError) as refused:
        build_project(library)
    assert "leads outside" in refused.value.problems[0].message
