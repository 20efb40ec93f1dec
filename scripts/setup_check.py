"""Whether this machine can build the site, found by trying, and one line saying what to do.

`make` runs it before anything else, so it must run on whatever `python3` an editor has,
before `.venv` exists and on interpreters too old for the project: standard library only
and no syntax newer than Python 3.6. Two checks:

    python3 scripts/setup_check.py python --venv .venv   # this interpreter, and the venv it made
    python3 scripts/setup_check.py system site|test      # libraries, fonts, test tools

The system check asks no package manager what is installed: it renders a small PDF with
WeasyPrint (or, before the venv has WeasyPrint, loads the libraries WeasyPrint loads), asks
fontconfig for the fonts, and runs the test tools. Package names are only for the message:
apt-get on Debian and Ubuntu, dnf on Fedora, brew on macOS.
"""
import collections
import ctypes
import os
import re
import shutil
import subprocess
import sys

MIN_PYTHON = (3, 11)
# The interpreter suggested when the one found is too old, per platform.
SUGGESTED_PYTHON = {"debian": "python3.11", "fedora": "python3.12", "macos": "python3.12"}
# Tests set this ("3.9.18") to stand for an older interpreter.
VERSION_OVERRIDE_ENV = "IPBES_SETUP_PYTHON_VERSION"
# Seconds a tried tool may take before it counts as not working.
TRY_TIMEOUT = 60
# Where Homebrew puts libraries; macOS does not search the Apple Silicon one by itself.
HOMEBREW_LIB_DIRS = ("/opt/homebrew/lib", "/usr/local/lib")
MACOS_CHROMIUM = "/Applications/Chromium.app/Contents/MacOS/Chromium"

# The file names WeasyPrint's ffi module tries for each library, in its order.
WEASYPRINT_LIBRARIES = (
    ("libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0", "libgobject-2.0.0.dylib"),
    ("libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0", "libpango-1.0.dylib"),
    ("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0", "libharfbuzz.0.dylib"),
    ("libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1", "libfontconfig.1.dylib"),
    ("libpangoft2-1.0-0", "pangoft2-1.0-0", "pangoft2-1.0", "libpangoft2-1.0.so.0", "libpangoft2-1.0.dylib"),
)
TINY_PDF = ("import weasyprint; "
            "pdf = weasyprint.HTML(string='<p lang=zh>IPBES \u751f\u7269\u591a\u6837\u6027</p>').write_pdf(); "
            "assert pdf.startswith(b'%PDF')")

# What the build needs: what it is for the reader of the message, and its package per platform.
# A macOS entry starting with "--cask " is a Homebrew cask.
Need = collections.namedtuple("Need", "key label debian fedora macos")
NEEDS = collections.OrderedDict((need.key, need) for need in (
    Need("pango", "Pango (WeasyPrint lays out the PDFs with it)",
         "libpango-1.0-0 libpangoft2-1.0-0", "pango", "pango"),
    Need("fontconfig", "fontconfig (finds the fonts for PDFs and images)", "fontconfig", "fontconfig", "fontconfig"),
    Need("cjk-font", "a Chinese font (the Chinese PDFs and images embed it)",
         "fonts-noto-cjk", "google-noto-sans-cjk-fonts", "--cask font-noto-sans-cjk-sc"),
    Need("dejavu", "DejaVu Sans (text in social cards and images; a fallback in PDFs)",
         "fonts-dejavu-core", "dejavu-sans-fonts", "--cask font-dejavu"),
    Need("chromium", "Chromium (the browser tests)", "chromium", "chromium", "--cask chromium"),
    Need("pdftotext", "pdftotext (the PDF tests)", "poppler-utils", "poppler-utils", "poppler"),
))
TARGET_NEEDS = {
    "site": ("pango", "fontconfig", "cjk-font", "dejavu"),
    "test": ("pango", "fontconfig", "cjk-font", "dejavu", "chromium", "pdftotext"),
}


# --- Platform -------------------------------------------------------------------------------

def parse_os_release(text):
    """KEY=value pairs of /etc/os-release, quotes removed."""
    fields = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        fields[key.strip()] = value.strip().strip("'\"")
    return fields


def platform_family(os_release_text, uname_system):
    """"debian", "fedora", "macos" or "unknown", from /etc/os-release's text and `uname -s`."""
    if uname_system == "Darwin":
        return "macos"
    fields = parse_os_release(os_release_text)
    ids = set((fields.get("ID", "") + " " + fields.get("ID_LIKE", "")).lower().split())
    if ids & {"debian", "ubuntu"}:
        return "debian"
    if ids & {"fedora", "rhel", "centos"}:
        return "fedora"
    return "unknown"


def this_platform():
    try:
        with open("/etc/os-release", encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        text = ""
    return platform_family(text, os.uname().sysname)


def install_command(family, keys, root=False):
    """The shell command that installs the needs `keys` on this platform family."""
    sudo = "" if root else "sudo "
    if family == "macos":
        entries = [NEEDS[key].macos for key in keys]
        formulae = [e for e in entries if not e.startswith("--cask ")]
        casks = [e[len("--cask "):] for e in entries if e.startswith("--cask ")]
        commands = ["brew install " + " ".join(formulae)] if formulae else []
        commands += ["brew install --cask " + " ".join(casks)] if casks else []
        return " && ".join(commands)
    packages = " ".join(getattr(NEEDS[key], "fedora" if family == "fedora" else "debian") for key in keys)
    if family == "debian":
        return sudo + "apt-get install " + packages
    if family == "fedora":
        return sudo + "dnf install " + packages
    return "your package manager (the Debian packages are: " + packages + ")"


def missing_message(target, missing, family, root=False):
    """One line: what `make <target>` misses and the command that installs it here."""
    labels = ", ".join(NEEDS[key].label for key in missing)
    return "make {}: missing {}; install with: {}".format(target, labels, install_command(family, missing, root))


# --- Python and its venv --------------------------------------------------------------------

def parse_version(text):
    """(3, 9, 18) from "3.9.18" (or "3.13.0rc1"); None when it is not a version."""
    found = re.match(r"\s*(\d+)\.(\d+)(?:\.(\d+))?", text or "")
    if not found:
        return None
    return tuple(int(part) for part in found.groups() if part is not None)


def interpreter_version():
    override = os.environ.get(VERSION_OVERRIDE_ENV)
    if override:
        version = parse_version(override)
        if version:
            return version
    return tuple(sys.version_info[:3])


def python_problem(version, executable, family, newer=None):
    """None when `version` can build the site; else one line saying which Python to use."""
    if tuple(version[:2]) >= MIN_PYTHON:
        return None
    shown = ".".join(str(part) for part in version)
    wanted = "{}.{}".format(*MIN_PYTHON)
    if newer:
        how = "run: make site PYTHON={}".format(newer)
    else:
        suggested = SUGGESTED_PYTHON.get(family, "python3.12")
        install = {
            "debian": "sudo apt-get install {0} {0}-venv".format(suggested),
            "fedora": "sudo dnf install " + suggested,
            "macos": "brew install python@" + suggested[len("python"):],
        }.get(family, "install Python {} or newer".format(wanted))
        how = "{}, then run: make site PYTHON={}".format(install, suggested)
    return "Python {} ({}) is too old: the site needs Python {} or newer; {}".format(shown, executable, wanted, how)


def newer_python_on_path():
    """The name of a Python 3.11+ on PATH that actually runs (pyenv shims may not), or None."""
    for minor in range(20, MIN_PYTHON[1] - 1, -1):
        name = "python3.{}".format(minor)
        if not shutil.which(name):
            continue
        try:
            done = subprocess.run([name, "-c", "import sys; print(sys.version_info[1])"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, universal_newlines=True, timeout=TRY_TIMEOUT)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0 and done.stdout.strip() == str(minor):
            return name
    return None


def venv_version(venv):
    """The Python version recorded in `venv`/pyvenv.cfg, None when there is none."""
    try:
        with open(os.path.join(venv, "pyvenv.cfg"), encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    fields = {}
    for line in text.splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            fields[key.strip().lower()] = value.strip()
    return parse_version(fields.get("version") or fields.get("version_info"))


def venv_decision(venv, version):
    """("keep" | "create" | "recreate" | "foreign", reason) for `venv` and this interpreter's version.

    A venv made by another Python (a failed attempt with 3.9, or before an upgrade) is
    recreated; a directory that is not a venv is left alone."""
    if not os.path.lexists(venv):
        return "create", ""
    made_by = venv_version(venv)
    if made_by is None:
        return "foreign", ("{0} exists but is not a Python virtual environment (no readable {0}/pyvenv.cfg); "
                           "move it away or remove it with: rm -rf {0}").format(venv)
    if tuple(made_by[:2]) != tuple(version[:2]):
        return "recreate", "{} was made by Python {}, this is Python {}".format(
            venv, ".".join(map(str, made_by)), ".".join(map(str, version)))
    if not os.access(os.path.join(venv, "bin", "python"), os.X_OK):
        return "recreate", "{} has no working bin/python".format(venv)
    return "keep", ""


def venv_tools_problem(family):
    """Debian splits venv's pip bootstrap into a separate package; without it `-m venv` fails."""
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        name = "python{}.{}".format(*sys.version_info[:2])
        command = "sudo apt-get install {}-venv".format(name) if family == "debian" else "install Python's venv module"
        return "{} cannot create virtual environments (no ensurepip); {}".format(name, command)
    return None


def check_python(venv):
    """Refuse an old interpreter before `venv` is created; remove a venv another Python made."""
    family = this_platform()
    version = interpreter_version()
    newer = newer_python_on_path() if tuple(version[:2]) < MIN_PYTHON else None
    problem = python_problem(version, sys.executable, family, newer)
    if problem:
        return problem
    decision, reason = venv_decision(venv, version)
    if decision == "foreign":
        return reason
    if decision == "recreate":
        print("Recreating {}: {}".format(venv, reason))
        if os.path.islink(venv):
            os.unlink(venv)
        else:
            shutil.rmtree(venv)
        decision = "create"
    if decision == "create":
        return venv_tools_problem(family)
    return None


# --- System libraries, fonts, test tools -----------------------------------------------------

def library_env(family):
    """The environment under which WeasyPrint finds Homebrew's libraries on macOS."""
    env = dict(os.environ)
    if family == "macos":
        paths = [p for p in env.get("DYLD_FALLBACK_LIBRARY_PATH", "").split(":") if p]
        env["DYLD_FALLBACK_LIBRARY_PATH"] = ":".join(paths + [d for d in HOMEBREW_LIB_DIRS if d not in paths]
                                                     + ["/usr/lib"])
    return env


def weasyprint_installed(python):
    try:
        done = subprocess.run([python, "-c", "import importlib.util as u; print(bool(u.find_spec('weasyprint')))"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True,
                              timeout=TRY_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.stdout.strip() == "True"


def try_weasyprint(python, family):
    """True when `python`'s WeasyPrint renders a PDF with Chinese text in it."""
    try:
        done = subprocess.run([python, "-c", TINY_PDF], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=library_env(family), timeout=TRY_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def try_load_libraries(family):
    """True when every library WeasyPrint needs loads (used before the venv has WeasyPrint)."""
    for names in WEASYPRINT_LIBRARIES:
        candidates = list(names)
        if family == "macos":
            candidates += [os.path.join(d, n) for d in HOMEBREW_LIB_DIRS for n in names if n.endswith(".dylib")]
        if not any(_loads(name) for name in candidates):
            return False
    return True


def _loads(name):
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def font_families(pattern):
    """Families fontconfig lists for `pattern`; None when fc-list is not installed."""
    try:
        done = subprocess.run(["fc-list", pattern, "family"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              universal_newlines=True, timeout=TRY_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return None
    return [line for line in done.stdout.splitlines() if line.strip()]


def runs(command):
    try:
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=TRY_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def chromium_path(family):
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and family == "macos" and os.path.exists(MACOS_CHROMIUM):
        found = MACOS_CHROMIUM
    return found or "/usr/bin/chromium"


def find_missing(target, python, family):
    """The keys of NEEDS that `make <target>` needs and that do not work here, in NEEDS order."""
    wanted = TARGET_NEEDS[target]
    missing = []
    if weasyprint_installed(python):
        pango_ok = try_weasyprint(python, family)
    else:
        pango_ok = try_load_libraries(family)
    if not pango_ok:
        missing.append("pango")
    chinese = font_families(":lang=zh")
    if chinese is None:
        missing += ["fontconfig", "cjk-font", "dejavu"]
    else:
        if not chinese:
            missing.append("cjk-font")
        if not font_families("DejaVu Sans"):
            missing.append("dejavu")
    if "chromium" in wanted and not runs([chromium_path(family), "--version"]):
        missing.append("chromium")
    if "pdftotext" in wanted and not runs(["pdftotext", "-v"]):
        missing.append("pdftotext")
    return [key for key in NEEDS if key in missing and key in wanted]


def check_system(target, python):
    family = this_platform()
    missing = find_missing(target, python, family)
    if not missing:
        return None
    return missing_message(target, missing, family, root=hasattr(os, "geteuid") and os.geteuid() == 0)


USAGE = "usage: setup_check.py python [--venv DIR] | setup_check.py system site|test [--python PATH]"


def main(argv):
    if argv[:1] == ["python"]:
        venv = argv[argv.index("--venv") + 1] if "--venv" in argv[:-1] else ".venv"
        problem = check_python(venv)
    elif argv[:1] == ["system"] and len(argv) >= 2 and argv[1] in TARGET_NEEDS:
        python = argv[argv.index("--python") + 1] if "--python" in argv[:-1] else sys.executable
        problem = check_system(argv[1], python)
    else:
        problem = USAGE
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
