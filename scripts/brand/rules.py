"""The brand rules: what each means and how to fix a finding (catalog strings, shown to
editors in their language), and their settings from `brand/rules.yml`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..datafiles import load_data_file
from ..errors import BuildError
from ..i18n import N_

RULES_FILE = Path("brand") / "rules.yml"
APPROVALS_FILE = Path("brand") / "approvals.yml"
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class RuleText:
    title: str
    explanation: str
    fix: str


TEXTS = {
    "front-cover-logo": RuleText(
        N_("Front cover: the IPBES logo only"),
        N_("On the front cover of every publication (a fact sheet's web cover, its print cover and the first page of its PDF) the IPBES logo appears, and no other logo."),
        N_("Do not add logos to a fact sheet's text or cover image: the template places the IPBES logo on the cover.")),
    "back-cover-partners": RuleText(
        N_("Back cover: the four UN partners and the statement"),
        N_("The back cover of every publication (and the last page of its PDF) carries the logos of UNEP, UNESCO, FAO and UNDP and the statement of the institutional relationship between IPBES and these partners, in the publication's language."),
        N_("Translate the statement in the language's catalog (locales/) and keep the partners in data/partners.yml.")),
    "cover-image-logo": RuleText(
        N_("Cover images carry no partner logo"),
        N_("A cover image must not contain the logo of a UN partner: partner logos belong on the back cover only."),
        N_("Choose another picture, or crop the logo out of it.")),
    "acronym-form": RuleText(
        N_("The acronym is written IPBES"),
        N_("In text, in every language, the acronym is written in capital letters without dots or hyphens: IPBES. Code, web addresses and file names are not checked."),
        N_("Write IPBES.")),
    "acronym-approval": RuleText(
        N_("Names that use the acronym need approval"),
        N_("A third party's name that uses the acronym IPBES (a network, an alliance, an association) needs the secretariat's written approval."),
        N_("Ask the secretariat for written approval, then add the name, who asked and the date of the approval to brand/approvals.yml.")),
    "colour-tokens": RuleText(
        N_("Colours come from the design tokens"),
        N_("Stylesheets, templates and pages use the colours of brand/tokens.json through their CSS custom properties, never a colour written out."),
        N_("Replace the colour with a var(--ipbes-…) or var(--md-…) property, or add a token to brand/tokens.json.")),
    "logo-files": RuleText(
        N_("Logos are the official files, unchanged"),
        N_("Every logo the site shows is a file from brand/logos/, unmodified: a recoloured, stretched or redrawn copy is not allowed."),
        N_("Remove the copy and let the templates show the logo from brand/logos/.")),
    "glossary-terms": RuleText(
        N_("Official terms in every language"),
        N_("A translated page uses the official form of IPBES's name and terms in its language (locales/glossary.yml), never a known wrong variant."),
        N_("Use the form the glossary gives; if the glossary is wrong, correct locales/glossary.yml.")),
}


@dataclass(frozen=True)
class RuleSettings:
    severity: dict
    options: dict
    approvals: list


def load_rules(root: Path) -> RuleSettings:
    source = load_data_file(Path(root) / RULES_FILE, "brand rules file")
    rules = (source.data or {}).get("rules") if isinstance(source.data, dict) else None
    problems = []
    if not isinstance(rules, dict):
        raise BuildError([source.problem(("rules",), "expected 'rules:' with one entry per rule")])
    for rule_id in TEXTS:
        if rule_id not in rules:
            problems.append(source.problem(("rules",), f"rule '{rule_id}' is missing; add it with its severity"))
    for rule_id, options in rules.items():
        if rule_id not in TEXTS:
            problems.append(source.problem(("rules", rule_id), f"unknown rule '{rule_id}'; known rules: {', '.join(TEXTS)}"))
        elif not isinstance(options, dict) or options.get("severity") not in SEVERITIES:
            problems.append(source.problem(("rules", rule_id, "severity"), f"rule '{rule_id}' needs 'severity: error' or 'severity: warning'"))
    approvals_source = load_data_file(Path(root) / APPROVALS_FILE, "approvals register")
    approvals = (approvals_source.data or {}).get("approvals") if isinstance(approvals_source.data, dict) else None
    if not isinstance(approvals, list):
        problems.append(approvals_source.problem(("approvals",), "expected 'approvals:' followed by a list (empty when none)"))
        approvals = []
    for index, entry in enumerate(approvals):
        if not (isinstance(entry, dict) and entry.get("name") and entry.get("who") and entry.get("approved")):
            problems.append(approvals_source.problem(("approvals", index), "each approval needs 'name', 'who' and 'approved' (the date of the written approval)"))
    if problems:
        raise BuildError(problems)
    return RuleSettings({k: v["severity"] for k, v in rules.items()}, rules, approvals)


HOW_TO_FIX = N_("How to fix a finding")
SEVERITY_LABELS = {"error": N_("Error: stops the build"), "warning": N_("Warning: printed, does not stop the build")}


def rules_markdown(settings: RuleSettings, gettext) -> str:
    """The rules as editors read them, in the page's language (the brand rules page)."""
    parts = []
    for rule_id, texts in TEXTS.items():
        parts.append(f"## {gettext(texts.title)}\n\n`{rule_id}` · {gettext(SEVERITY_LABELS[settings.severity[rule_id]])}\n\n"
                     f"{gettext(texts.explanation)}\n\n**{gettext(HOW_TO_FIX)}:** {gettext(texts.fix)}\n")
    return "\n\n" + "\n".join(parts)
