"""No lost data: the output folder's guard, the build lock, the swap, and whole cache files."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from scripts import ROOT, safety
from scripts.errors import BuildError


def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name in ("docs/en", "data", "brand", "overrides", "locales", ".git"):
        (root / name).mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (root / "docs" / "en" / "index.md").write_text("# Home\n", encoding="utf-8")
    return root


def refused(root: Path, out: Path) -> str:
    with pytest.raises(BuildError) as caught:
        safety.check_out_dir(root, out)
    return str(caught.value)


# check_out_dir

def test_repository_root_and_its_ancestors_are_refused(tmp_path):
    root = project(tmp_path)
    assert "the repository itself" in refused(root, root)
    assert "the repository itself" in refused(root, root / "docs" / "..")
    assert "holds the repository" in refused(root, tmp_path)
    assert "holds the repository" in refused(root, Path("/"))


@pytest.mark.parametrize("name", ["docs", "data", "brand", "overrides", "locales", ".git", "docs/en", "docs/en/site"])
def test_source_folders_and_folders_inside_them_are_refused(tmp_path, name):
    root = project(tmp_path)
    assert "inside the sources" in refused(root, root / name)


def test_a_folder_holding_sources_is_refused(tmp_path):
    root = project(tmp_path)
    other = tmp_path / "other"
    (other / "docs").mkdir(parents=True)
    assert "holds sources (docs)" in refused(root, other)
    (tmp_path / "clone").mkdir()
    (tmp_path / "clone" / "mkdocs.yml").write_text("", encoding="utf-8")
    assert "holds sources (mkdocs.yml)" in refused(root, tmp_path / "clone")


def test_a_folder_inside_another_projects_sources_is_refused(tmp_path):
    root = project(tmp_path)
    other = project(tmp_path / "elsewhere")
    assert "another project" in refused(root, other / "docs" / "out")


def test_non_empty_folder_not_written_by_a_build_is_refused(tmp_path):
    root = project(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("years of work", encoding="utf-8")
    assert "not empty" in refused(root, home)
    (home / safety.MARKER).write_text("something else", encoding="utf-8")
    assert "not empty" in refused(root, home)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert "not a folder" in refused(root, tmp_path / "file")


def test_new_empty_marked_and_legacy_outputs_are_accepted(tmp_path):
    root = project(tmp_path)
    safety.check_out_dir(root, root / "site")
    (root / "site").mkdir()
    safety.check_out_dir(root, root / "site")
    (root / "site" / "index.html").write_text("x", encoding="utf-8")
    with pytest.raises(BuildError):
        safety.check_out_dir(root, root / "site")
    safety.mark_output(root / "site")
    safety.check_out_dir(root, root / "site")
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    for name in safety.LEGACY_OUTPUT_FILES:
        (legacy / name).write_text("x", encoding="utf-8")
    safety.check_out_dir(root, legacy)


def test_published_symlink_is_accepted_and_a_foreign_symlink_refused(tmp_path):
    root = project(tmp_path)
    staging = tmp_path / ".site.new"
    staging.mkdir()
    safety.publish(staging, tmp_path / "site")
    safety.check_out_dir(root, tmp_path / "site")
    (tmp_path / "link").symlink_to(root / "docs")
    assert "no build wrote" in refused(root, tmp_path / "link")


# build_lock

HOLDER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from scripts.safety import build_lock
    with build_lock(sys.argv[1], report=lambda m: None):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def hold_lock(root: Path, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLDER.format(root=str(ROOT)), str(root), str(seconds)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "locked"
    return process


def test_second_build_stops_with_a_message_after_the_timeout(tmp_path):
    holder = hold_lock(tmp_path, 30)
    try:
        started = time.monotonic()
        with pytest.raises(BuildError) as caught:
            with safety.build_lock(tmp_path, timeout=0.5, report=lambda m: None):
                pytest.fail("two builds held the lock")
        assert 0.4 < time.monotonic() - started < 5
        assert "another build is running" in str(caught.value) and f"pid {holder.pid}" in str(caught.value)
    finally:
        holder.kill()
        holder.wait()
    with safety.build_lock(tmp_path, timeout=0.5, report=lambda m: None):
        pass  # the kernel released the killed build's lock


def test_second_build_waits_for_the_first(tmp_path):
    holder = hold_lock(tmp_path, 1.0)
    said = []
    started = time.monotonic()
    with safety.build_lock(tmp_path, timeout=20, report=said.append):
        assert holder.poll() is not None or time.monotonic() - started > 0.5
    holder.wait()
    assert said and "waiting" in said[0]


def test_lock_timeout_is_one_named_limit():
    import inspect
    assert inspect.signature(safety.build_lock).parameters["timeout"].default == safety.LOCK_TIMEOUT_SECONDS


# publish

def staged(parent: Path, text: str) -> Path:
    staging = parent / ".site.new"
    (staging / "en").mkdir(parents=True)
    (staging / "index.html").write_text(text, encoding="utf-8")
    (staging / "en" / "index.html").write_text(text, encoding="utf-8")
    return staging


def test_readers_never_miss_the_site_during_twenty_publishes(tmp_path):
    out = tmp_path / "site"
    safety.publish(staged(tmp_path, "version 0"), out)
    failures, reads = [], [0]
    done = threading.Event()

    def reader():
        while not done.is_set():
            try:
                text = (out / "index.html").read_text(encoding="utf-8")
                assert text.startswith("version ")
                reads[0] += 1
            except Exception as exc:  # noqa: BLE001 - any failure is what the test looks for
                failures.append(repr(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for number in range(1, 21):
            safety.publish(staged(tmp_path, f"version {number}"), out)
    finally:
        done.set()
        thread.join()
    assert failures == []
    assert reads[0] > 20
    assert (out / "en" / "index.html").read_text(encoding="utf-8") == "version 20"
    versions = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site-"))
    assert len(versions) == safety.VERSIONS_KEPT
    assert not (tmp_path / ".site.new").exists()


def test_an_old_real_output_folder_is_migrated_without_a_gap(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    for name in safety.LEGACY_OUTPUT_FILES:
        (out / name).write_text("old", encoding="utf-8")
    safety.publish(staged(tmp_path, "new"), out)
    assert out.is_symlink() and (out / "index.html").read_text(encoding="utf-8") == "new"
    previous = [p for p in tmp_path.iterdir() if p.name.startswith(".site-") and p.resolve() != out.resolve()]
    assert len(previous) == 1 and (previous[0] / "index.html").read_text(encoding="utf-8") == "old"


def test_publish_never_replaces_a_folder_no_build_wrote(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("precious", encoding="utf-8")
    staging = staged(tmp_path, "new")
    with pytest.raises(BuildError):
        safety.publish(staging, out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "precious"
    assert (staging / "index.html").is_file()


def test_publish_removes_only_previous_outputs(tmp_path):
    out = tmp_path / "site"
    stranger = tmp_path / ".site-1"
    stranger.mkdir()
    (stranger / "mine.txt").write_text("not a build's", encoding="utf-8")
    for number in range(4):
        safety.publish(staged(tmp_path, f"v{number}"), out)
    assert (stranger / "mine.txt").is_file()


# atomic writes and verified cache entries

def test_atomic_write_leaves_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "cache" / "entry.json"
    safety.atomic_write_bytes(target, b'{"a": 1}')
    with pytest.raises(TypeError):
        safety.atomic_write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b'{"a": 1}'
    assert [p.name for p in target.parent.iterdir()] == ["entry.json"]
    copy = safety.atomic_copy(target, tmp_path / "other" / "copy.json")
    assert copy.read_bytes() == b'{"a": 1}'


def encoded(fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#336699").save(buffer, format=fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("suffix,data", [
    (".png", encoded("PNG")),
    (".webp", encoded("WEBP")),
    (".avif", encoded("AVIF")),
    (".json", b'{"logo": "unep", "score": 0.9}'),
    (".pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
])
def test_verifiers_accept_whole_files_and_refuse_truncated_ones(suffix, data):
    verify = safety.verify_by_suffix(Path("x" + suffix))
    assert verify(data)
    for cut in (1, len(data) // 2, len(data) - 3):
        assert not verify(data[:cut]), cut


def test_read_cached_removes_a_bad_entry(tmp_path):
    entry = tmp_path / "a.png"
    entry.write_bytes(encoded("PNG")[:30])
    assert safety.read_cached(entry, safety.png_ok) is None
    assert not entry.exists()
    assert safety.read_cached(tmp_path / "missing.png", safety.png_ok) is None


def test_a_truncated_card_in_the_cache_is_drawn_again(tmp_path):
    from scripts.cards import card_for
    colours = {"background": "#ffffff", "accent": "#00798c", "text": "#1a1a1a"}
    logo = (ROOT / "brand" / "logos" / "ipbes.svg").read_bytes()
    first = card_for("Pollinators", "IPBES", "en", colours, logo, tmp_path)
    whole = first.read_bytes()
    first.write_bytes(whole[: len(whole) // 3])  # a build killed mid-write, before this fix
    again = card_for("Pollinators", "IPBES", "en", colours, logo, tmp_path)
    assert again == first and again.read_bytes() == whole
    with Image.open(again) as image:
        image.load()


def test_a_truncated_poster_and_pdf_are_rebuilt(tmp_path):
    from scripts.embeds.posters import poster_for
    colours = {"background": "#ffffff", "accent": "#00798c", "text": "#1a1a1a"}
    first = poster_for("Launch", "en", colours, ROOT, tmp_path)
    whole = first.read_bytes()
    first.write_bytes(whole[:100])
    assert poster_for("Launch", "en", colours, ROOT, tmp_path).read_bytes() == whole


def test_a_truncated_pdf_in_the_cache_is_not_published(tmp_path, monkeypatch):
    from scripts import publications
    rendered = []

    class FakeHTML:
        def __init__(self, **_):
            pass

        def write_pdf(self, target=None, stylesheets=None, **options):
            rendered.append(target)
            return b"%PDF-1.7\nwhole\n%%EOF\n"

    import weasyprint
    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    monkeypatch.setattr(weasyprint, "CSS", lambda **_: None)
    monkeypatch.setattr(publications, "pdf_inputs_hash", lambda *a: "key")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "key.pdf").write_bytes(b"%PDF-1.7\nhalf")
    out = tmp_path / "site" / "x.pdf"
    assert publications.render_pdf("<p>x</p>", out, ROOT, ROOT / "x.jpg", cache) is True
    assert out.read_bytes().endswith(b"%%EOF\n") and (cache / "key.pdf").read_bytes() == out.read_bytes()
    out.unlink()
    assert publications.render_pdf("<p>x</p>", out, ROOT, ROOT / "x.jpg", cache) is False
    assert out.read_bytes().endswith(b"%%EOF\n") and len(rendered) == 1


def test_a_truncated_image_variant_is_encoded_again(tmp_path):
    from scripts import images
    source = tmp_path / "photo.png"
    Image.new("RGB", (600, 400), "#336699").save(source)
    _, made = images.variants(source, tmp_path / "cache")
    webp = made["image/webp"][0][1]
    whole = webp.read_bytes()
    webp.write_bytes(whole[:40])
    images._variants.cache_clear()
    images.variants(source, tmp_path / "cache")
    assert webp.read_bytes() == whole
