"""What the rubric coach says about a design: findings with a severity, and the critique that orders them.

Every user-facing string is a pair (English, Korean), so the Lab, the CLI and the LLM coach can pick a language.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from marts.vocabulary import metric_name

Text = tuple[str, str]
"""(English, Korean)."""
SEVERITIES = ("blocker", "warning", "suggestion", "good")
LANGUAGES = ("en", "ko")
FIELDS = (
    "change",
    "metric",
    "direction",
    "expected",
    "rationale",
    "persona",
    "secondary",
    "guardrails",
    "alpha",
    "power",
    "mde",
    "days",
    "variants",
    "analysis_plan",
)
"""The builder fields a finding can point at."""

_HEADINGS: dict[str, Text] = {
    "blocker": ("Blockers", "반드시 고칠 점"),
    "warning": ("Warnings", "주의할 점"),
    "suggestion": ("Suggestions", "제안"),
    "good": ("Done well", "잘한 점"),
}


def pick(text: Text, language: str = "en") -> str:
    """The English or the Korean half of ``text`` (English for an unknown language)."""
    return text[1] if language == "ko" else text[0]


@dataclass(frozen=True)
class Finding:
    """One thing the coach noticed.

    Attributes:
        code: a stable id such as ``"duration.whole_weeks"``.
        severity: one of ``SEVERITIES``.
        title: two to six words.
        reason: one line: why it matters, with the numbers.
        suggestion: one concrete thing to do (for a good finding: what to keep doing).
        field: the builder field it concerns (one of ``FIELDS``), or None.
    """

    code: str
    severity: str
    title: Text
    reason: Text
    suggestion: Text
    field: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity: must be one of {', '.join(SEVERITIES)}, got {self.severity!r}")
        if self.field is not None and self.field not in FIELDS:
            raise ValueError(f"field: must be one of {', '.join(FIELDS)} or None, got {self.field!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values, both languages."""
        return {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "title": {"en": self.title[0], "ko": self.title[1]},
            "reason": {"en": self.reason[0], "ko": self.reason[1]},
            "suggestion": {"en": self.suggestion[0], "ko": self.suggestion[1]},
        }


@dataclass(frozen=True)
class Critique:
    """The coach's findings on one design, ordered blockers, warnings, suggestions, then good."""

    findings: tuple[Finding, ...]

    @classmethod
    def of(cls, findings: list[Finding] | tuple[Finding, ...]) -> "Critique":
        """A critique with ``findings`` sorted by severity (a stable sort: each severity keeps the given order)."""
        return cls(tuple(sorted(findings, key=lambda f: SEVERITIES.index(f.severity))))

    def counts(self) -> dict[str, int]:
        """How many findings of each severity (every severity present, zeros included)."""
        found = Counter(f.severity for f in self.findings)
        return {severity: found.get(severity, 0) for severity in SEVERITIES}

    @property
    def ready(self) -> bool:
        """True when nothing blocks the launch."""
        return not any(f.severity == "blocker" for f in self.findings)

    def codes(self, severity: str | None = None) -> tuple[str, ...]:
        """The findings' codes, of one severity or of all."""
        return tuple(f.code for f in self.findings if severity is None or f.severity == severity)

    def get(self, code: str) -> Finding | None:
        """The finding with ``code``, or None."""
        return next((f for f in self.findings if f.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (both languages), for the CLI's ``--json`` and the LLM coach's context."""
        return {
            "ready": self.ready,
            "counts": self.counts(),
            "findings": [finding.to_dict() for finding in self.findings],
        }

    def to_markdown(self, language: str = "en") -> str:
        """The critique as Markdown: a one-line summary, then one section per severity that has findings."""
        counts = self.counts()
        if language == "ko":
            verdict = "시작할 준비가 되었습니다" if self.ready else "시작하기 전에 고칠 점이 있습니다"
            tally = (
                f"반드시 고칠 점 {counts['blocker']}개, 주의 {counts['warning']}개, "
                f"제안 {counts['suggestion']}개, 잘한 점 {counts['good']}개"
            )
            todo = "할 일"
        else:
            verdict = "Ready to launch" if self.ready else "Not ready to launch"
            tally = (
                f"{counts['blocker']} blocker(s), {counts['warning']} warning(s), "
                f"{counts['suggestion']} suggestion(s), {counts['good']} done well"
            )
            todo = "Do"
        lines = [f"**{verdict}** ({tally})"]
        for severity in SEVERITIES:
            chosen = [f for f in self.findings if f.severity == severity]
            if not chosen:
                continue
            lines += ["", f"### {pick(_HEADINGS[severity], language)}", ""]
            for finding in chosen:
                reason, suggestion = pick(finding.reason, language), pick(finding.suggestion, language)
                lines.append(f"- **{pick(finding.title, language)}**: {reason}")
                label = pick(("Keep", "유지"), language) if severity == "good" else todo
                lines.append(f"  - {label}: {suggestion}")
        return "\n".join(lines) + "\n"


# ----- names and numbers the coach's text uses -------------------------------------------------------------------


def metric_names(keys: list[str] | tuple[str, ...]) -> Text:
    """Metrics' names joined with commas, in both languages."""
    names = [metric_name(key) for key in keys]
    return ", ".join(n[0] for n in names), ", ".join(n[1] for n in names)


def pct(fraction: float) -> str:
    """A fraction as a percentage to three significant digits: 0.05 -> "5%", 0.0123 -> "1.23%"."""
    return f"{fraction * 100:.3g}%"


def josa(word: str, with_final: str, without_final: str) -> str:
    """``word`` with the Korean particle that fits its last syllable: josa("전환율", "은", "는") -> "전환율은".

    After a word that does not end in Hangul (a key, a number) both forms are shown: "AOV은(는)".
    """
    last = word[-1:] if word else ""
    if not "가" <= last <= "힣":
        return f"{word}{with_final}({without_final})"
    return word + (with_final if (ord(last) - ord("가")) % 28 else without_final)
