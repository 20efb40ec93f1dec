"""Setup on machines other than Debian: the messages per platform, the Python refused before a
venv exists, a venv from another Python recreated (scripts/setup_check.py, Makefile)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import ROOT
from scripts import setup_check as sc

DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n'
UBUNTU = 'NAME="Ubuntu"\nVERSION="24.04 LTS"\nID=ubuntu\nID_LIKE=debian\n'
MINT = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n'
FEDORA = 'NAME="Fedora Linux"\nVERSION="40 (Workstation Edition)"\nID=fedora\nVERSION_ID=40\n'
ROCKY = 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n'
ARCH = 'NAME="Arch Linux"\nID=arch\n'
SETUP_FILES = ("Makefile", "requirements.lock", "pyproject.toml", "scripts/setup_check.py", ".ci/system-packages")


@pytest.mark.parametrize("text, uname, family", [
    (DEBIAN, "Linux", "debian"), (UBUNTU, "Linux", "debian"), (MINT, "Linux", "debian"),
    (FEDORA, "Linux", "fedora"), (ROCKY, "Linux", "fedora"), (ARCH, "Linux", "unknown"),
    ("", "Darwin", "macos"), ("", "Linux", "unknown"), ("# comment\nnot a field\n", "FreeBSD", "unknown"),
])
def test_platform_family_from_os_release_and_uname(text, uname, family):
    assert sc.platform_family(text, uname) == family


def test_missing_pango_on_macos_names_homebrew_not_debian():
    message = sc.missing_message("site", ["pango", "cjk-font"], "macos")
    assert message.endswith("install with: brew install pango && brew install --cask font-noto-sans-cjk-sc")
    assert "Pango" in message and "Chinese font" in message
    assert "Debian" not in message and "apt" not in message and "\n" not in message


@pytest.mark.parametrize("family, root, command", [
    ("debian", False, "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"),
    ("debian", True, "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"),
    ("fedora", False, "sudo dnf install pango google-noto-sans-cjk-fonts"),
    ("macos", False, "brew install pango && brew install --cask font-noto-sans-cjk-sc"),
    ("unknown", False, "your package manager (the Debian packages are: libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk)"),
])
def test_install_command_per_platform(family, root, command):
    assert sc.install_command(family, ["pango", "cjk-font"], root) == command


def test_casks_only_on_macos_give_one_brew_command():
    assert sc.install_command("macos", ["chromium", "dejavu"]) == "brew install --cask chromium font-dejavu"
    assert sc.install_command("macos", ["pdftotext"]) == "brew install poppler"


@pytest.mark.parametrize("version, ok", [((3, 9, 18), False), ((3, 10, 13), False), ((3, 11, 0), True),
                                         ((3, 12, 1), True), ((3, 13, 0), True), ((2, 7, 18), False)])
def test_python_older_than_311_is_refused(version, ok):
    problem = sc.python_problem(version, "/usr/bin/python3", "macos")
    assert (problem is None) == ok
    if not ok:
        assert problem.startswith("Python {} (/usr/bin/python3) is too old".format(".".join(map(str, version))))
        assert "3.11 or newer" in problem and "brew install python@3.12" in problem
        assert "make site PYTHON=python3.12" in problem and "\n" not in problem


def test_old_python_message_points_at_a_newer_one_already_installed():
    problem = sc.python_problem((3, 9, 6), "/usr/bin/python3", "debian", newer="python3.11")
    assert problem.endswith("run: make site PYTHON=python3.11")
    assert "apt-get" not in problem


def test_old_python_message_per_platform():
    assert "sudo apt-get install python3.11 python3.11-venv" in sc.python_problem((3, 9, 2), "p", "debian")
    assert "sudo dnf install python3.12" in sc.python_problem((3, 9, 2), "p", "fedora")
    assert "install Python 3.11 or newer" in sc.python_problem((3, 9, 2), "p", "unknown")


@pytest.mark.parametrize("text, version", [("3.9.18", (3, 9, 18)), ("3.13.0rc1", (3, 13, 0)), ("3.12", (3, 12)),
                                           ("3.11.7.final.0", (3, 11, 7)), ("", None), ("three", None), (None, None)])
def test_parse_version(text, version):
    assert sc.parse_version(text) == version


def make_venv(path: Path, cfg: str | None, python: bool = True) -> Path:
    (path / "bin").mkdir(parents=True)
    if cfg is not None:
        (path / "pyvenv.cfg").write_text(cfg, encoding="utf-8")
    if python:
        (path / "bin" / "python").symlink_to(sys.executable)
    return path


def test_venv_made_by_another_python_is_recreated(tmp_path):
    venv = make_venv(tmp_path / ".venv", "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.9.18\n")
    decision, reason = sc.venv_decision(str(venv), (3, 11, 7))
    assert decision == "recreate"
    assert reason == "{} was made by Python 3.9.18, this is Python 3.11.7".format(venv)


def test_venv_of_the_same_python_is_kept(tmp_path):
    venv = make_venv(tmp_path / ".venv", "home = /usr/bin\nversion = 3.11.2\n")
    assert sc.venv_decision(str(venv), (3, 11, 7)) == ("keep", "")
    assert sc.venv_decision(str(venv), (3, 12, 1))[0] == "recreate"


def test_venv_written_by_virtualenv_uses_version_info(tmp_path):
    venv = make_venv(tmp_path / ".venv", "home = /usr/bin\nversion_info = 3.10.13.final.0\n")
    assert sc.venv_decision(str(venv), (3, 11, 7))[0] == "recreate"


def test_venv_without_python_is_recreated_and_a_non_venv_is_left_alone(tmp_path):
    broken = make_venv(tmp_path / "broken", "version = 3.11.7\n", python=False)
    assert sc.venv_decision(str(broken), (3, 11, 7))[0] == "recreate"
    foreign = make_venv(tmp_path / "foreign", None)
    decision, reason = sc.venv_decision(str(foreign), (3, 11, 7))
    assert decision == "foreign" and "rm -rf {}".format(foreign) in reason
    assert sc.venv_decision(str(tmp_path / "none"), (3, 11, 7)) == ("create", "")


def test_check_python_removes_the_venv_of_another_python(tmp_path, capsys):
    venv = make_venv(tmp_path / ".venv", "version = 3.9.18\n")
    (venv / "marker").write_text("x")
    assert sc.check_python(str(venv)) is None
    assert not venv.exists()
    assert "Recreating {}: {} was made by Python 3.9.18".format(venv, venv) in capsys.readouterr().out


def test_check_python_leaves_a_directory_that_is_not_a_venv(tmp_path):
    venv = make_venv(tmp_path / ".venv", None)
    assert "is not a Python virtual environment" in sc.check_python(str(venv))
    assert venv.exists()


def run_check(*args, env_extra=None, python=sys.executable):
    env = dict(os.environ, **(env_extra or {}))
    # -I -S: no site-packages, as on a machine before the venv exists.
    return subprocess.run([python, "-I", "-S", str(ROOT / "scripts" / "setup_check.py"), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_script_refuses_python_39_before_creating_the_venv(tmp_path):
    done = run_check("python", "--venv", str(tmp_path / ".venv"), env_extra={sc.VERSION_OVERRIDE_ENV: "3.9.18"})
    assert done.returncode == 1
    assert "Python 3.9.18" in done.stderr and "needs Python 3.11 or newer" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / ".venv").exists()


def test_script_accepts_this_python(tmp_path):
    done = run_check("python", "--venv", str(tmp_path / ".venv"))
    assert (done.returncode, done.stderr) == (0, "")


def real_old_python() -> str | None:
    for candidate in [shutil.which("python3.9"), *sorted(Path.home().glob(".pyenv/versions/3.9*/bin/python3"))]:
        if candidate and subprocess.run([str(candidate), "-c", "import sys; assert sys.version_info[:2] == (3, 9)"],
                                        capture_output=True).returncode == 0:
            return str(candidate)
    return None


def test_script_runs_on_a_real_python_39_and_refuses_it(tmp_path):
    old = real_old_python()
    if not old:
        pytest.skip("no Python 3.9 on this machine; the version override test covers the refusal")
    done = run_check("python", "--venv", str(tmp_path / ".venv"), python=old)
    assert done.returncode == 1 and "Python 3.9." in done.stderr and "too old" in done.stderr
    assert "Traceback" not in done.stderr


def setup_copy(tmp_path: Path) -> Path:
    for name in SETUP_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def plain_make_env(**extra) -> dict:
    """The environment of a make run by hand: not the settings of the `make test` running us
    (MAKEFLAGS, MAKELEVEL), which add "Entering directory" lines to a nested make's output."""
    return dict({k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}, **extra)


def test_make_site_refuses_python_39_before_creating_the_venv(tmp_path):
    project = setup_copy(tmp_path)
    env = plain_make_env(**{sc.VERSION_OVERRIDE_ENV: "3.9.18"})
    done = subprocess.run(["make", "site", f"PYTHON={sys.executable}"], cwd=project, capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode != 0
    assert "Python 3.9.18" in done.stderr and "3.11 or newer" in done.stderr
    assert "No matching distribution" not in done.stderr
    assert not (project / ".venv").exists()


def test_make_names_the_stamp_after_the_python_so_another_python_reinstalls(tmp_path):
    project = setup_copy(tmp_path)
    planned = subprocess.run(["make", "-n", "site", f"PYTHON={sys.executable}"], cwd=project, capture_output=True,
                             text=True, timeout=120, env=plain_make_env()).stdout
    version = "{}.{}".format(*sys.version_info[:2])
    assert f"touch .venv/.installed-{version}" in planned
    check = planned.index("scripts/setup_check.py python --venv .venv")
    assert check < planned.index(f"{sys.executable} -m venv .venv")


def test_make_clean_keeps_the_venv_and_says_how_to_reset_it(tmp_path):
    project = setup_copy(tmp_path)
    venv = make_venv(project / ".venv", "version = 3.11.7\n")
    (project / ".site-1").mkdir()
    (project / "site").symlink_to(".site-1")
    done = subprocess.run(["make", "clean"], cwd=project, capture_output=True, text=True, timeout=120, env=plain_make_env())
    assert done.returncode == 0
    assert "rm -rf .venv" in done.stdout.splitlines()[-1]
    assert venv.exists() and not os.path.lexists(project / "site") and not (project / ".site-1").exists()


def fake_system(monkeypatch, fonts=None, runs=True, libraries=True):
    """The system checks with fontconfig, tools and libraries replaced by stand-ins."""
    monkeypatch.setattr(sc, "weasyprint_installed", lambda python: False)
    monkeypatch.setattr(sc, "_loads", lambda name: libraries)
    fonts = {":lang=zh": ["Noto Sans CJK SC"], "DejaVu Sans": ["DejaVu Sans"]} if fonts is None else fonts
    monkeypatch.setattr(sc, "font_families", lambda pattern: fonts.get(pattern, []))
    monkeypatch.setattr(sc, "runs", lambda command: runs)


def test_nothing_missing_gives_no_message(monkeypatch):
    fake_system(monkeypatch)
    assert sc.find_missing("test", sys.executable, "debian") == []


def test_missing_chinese_font_on_fedora(monkeypatch):
    fake_system(monkeypatch, fonts={"DejaVu Sans": ["DejaVu Sans"]})
    monkeypatch.setattr(sc, "this_platform", lambda: "fedora")
    monkeypatch.setattr(sc.os, "geteuid", lambda: 1000)
    assert sc.check_system("site", sys.executable) == (
        "make site: missing a Chinese font (the Chinese PDFs and images embed it); "
        "install with: sudo dnf install google-noto-sans-cjk-fonts")


def test_pango_that_does_not_load_on_macos(monkeypatch):
    fake_system(monkeypatch, libraries=False)
    monkeypatch.setattr(sc, "this_platform", lambda: "macos")
    message = sc.check_system("site", sys.executable)
    assert message.startswith("make site: missing Pango") and message.endswith("install with: brew install pango")


def test_without_fontconfig_the_fonts_cannot_be_found_either(monkeypatch):
    fake_system(monkeypatch)
    monkeypatch.setattr(sc, "font_families", lambda pattern: None)
    assert sc.find_missing("site", sys.executable, "debian") == ["fontconfig", "cjk-font", "dejavu"]


def test_browser_and_pdf_tools_only_for_tests(monkeypatch):
    fake_system(monkeypatch, runs=False)
    assert sc.find_missing("site", sys.executable, "debian") == []
    assert sc.find_missing("test", sys.executable, "debian") == ["chromium", "pdftotext"]


def test_fc_list_not_installed_is_none(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert sc.font_families(":lang=zh") is None
    assert not sc.runs(["pdftotext", "-v"])


def test_this_machine_has_what_the_tests_need():
    """Really tried: WeasyPrint renders, fontconfig finds the fonts, Chromium and pdftotext run."""
    assert sc.weasyprint_installed(sys.executable)
    assert sc.check_system("test", sys.executable) is None


def test_libraries_load_without_weasyprint_here():
    assert sc.try_load_libraries(sc.this_platform())
