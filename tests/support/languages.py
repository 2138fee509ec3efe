"""Plans in each language the person's pages are checked in, for the translation tests."""

from __future__ import annotations

from pathlib import Path

#: Every shipped catalog, English, French (plan text in French, labels in English), and a tag
#: with an extension (Spanish as in Latin America, Latin digits).
LANGUAGES = ["en", "es", "zh-Hans", "vi", "tl", "ru", "ko", "ar", "fr", "es-419-u-nu-latn"]
#: Plan text in the person's language for some of them, so the pages look as they will.
ISSUE_TEXT = {
    "ar": ("أشعر بالحزن كثيرًا.", "أريد أن أستمتع بهواياتي مرة أخرى."),
    "zh-Hans": ("我常常感到心情低落。", "我想重新享受我的爱好。"),
    "fr": ("Je me sens souvent triste.", "Je veux de nouveau profiter de mes loisirs."),
}


def client_id(language: str) -> str:
    return f"LANG-{language.replace('-', '').upper()}"


def language_plan(valid_plan: str, language: str) -> str:
    """`valid_plan` (the fixture OK-valid, for client_id(language)) in `language`."""
    text = valid_plan.replace("  language: en\n", f"  language: {language}\n", 1)
    issue, goal = ISSUE_TEXT.get(language, ("I feel down a lot.", "I want to enjoy my hobbies again."))
    return (text.replace("  - issue: I feel down a lot.", f"  - issue: {issue}", 1)
            .replace("    goal: I want to enjoy my hobbies again.", f"    goal: {goal}", 1))


def write_language_plans(plans: Path, valid_plan_text) -> None:
    for language in LANGUAGES:
        (plans / f"{client_id(language)}.yaml").write_text(
            language_plan(valid_plan_text(client_id(language)), language), encoding="utf-8")
