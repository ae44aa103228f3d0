"""The online digital diagnosis (企业数字化水平在线自评): the questionnaire as data and its scoring (pure).

A questionnaire (data/evaluations/questionnaires/*.yaml) has four dimensions of questions; each answer is
an option worth some points; the dimensions' maximum points add up to 100. A diagnosis's score is the sum
of its answers' points; its level the highest cut (一级 20 … 四级 80) it reaches (below the first: none);
its Zhejiang 数字化水平 the level's mapping (a placeholder of the file); its weak areas the questions scoring
below `weak_share` of their points, weakest first, each with the renovation direction it suggests.
Answers are kept by question code and option index, so a diagnosis can be re-scored when the scoring
changes (the questionnaire's version is the sha256 of its file).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

TOTAL_POINTS = 100


class QuestionnaireError(ValueError):
    """A questionnaire file that does not add up, or answers that do not fit it (Chinese message)."""


@dataclass(frozen=True)
class Option:
    text: str
    points: int


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    options: tuple[Option, ...]
    suggestion: str
    category: str  # the 储备 project's 项目类别 (digital / green)
    subtype: str

    @property
    def max_points(self) -> int:
        return max(o.points for o in self.options)


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    questions: tuple[Question, ...]

    @property
    def max_points(self) -> int:
        return sum(q.max_points for q in self.questions)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    title: str
    version: str  # sha256 of the file, first 16 hex digits
    clause: str
    dimensions: tuple[Dimension, ...]
    cuts: tuple[tuple[str, int], ...]  # (level name, minimum score), ascending
    cuts_clause: str
    zhejiang: dict[str, Decimal]  # level name → Zhejiang 数字化水平
    zhejiang_clause: str
    zhejiang_placeholder: str
    weak_share: Decimal

    def question(self, code: str) -> Question:
        for dimension in self.dimensions:
            for question in dimension.questions:
                if question.code == code:
                    return question
        raise KeyError(code)

    @property
    def questions(self) -> list[tuple[Dimension, Question]]:
        return [(d, q) for d in self.dimensions for q in d.questions]


def questionnaire_load(path: Path) -> Questionnaire:
    text = path.read_bytes()
    raw: dict[str, Any] = yaml.safe_load(text)
    dimensions = tuple(
        Dimension(code=str(d["code"]), name=str(d["name"]), questions=tuple(
            Question(code=str(q["code"]), text=str(q["text"]),
                     options=tuple(Option(str(o["text"]), int(o["points"])) for o in q["options"]),
                     suggestion=str(q.get("suggestion", "")), category=str(q.get("category", "digital")),
                     subtype=str(q.get("subtype", "")))
            for q in d["questions"]))
        for d in raw["dimensions"])
    total = sum(d.max_points for d in dimensions)
    if total != TOTAL_POINTS:
        raise QuestionnaireError(f"{path.name}：各题最高分合计 {total}，应为 {TOTAL_POINTS}")
    codes = [q.code for d in dimensions for q in d.questions]
    if len(codes) != len(set(codes)):
        raise QuestionnaireError(f"{path.name}：题目代码重复")
    cuts = tuple(sorted(((str(c["name"]), int(c["min"])) for c in raw["levels"]["cuts"]), key=lambda c: c[1]))
    zhejiang = raw["zhejiang_levels"]
    return Questionnaire(
        id=str(raw["id"]), title=str(raw["title"]), version=hashlib.sha256(text).hexdigest()[:16],
        clause=str(raw.get("clause", "")), dimensions=dimensions, cuts=cuts,
        cuts_clause=str(raw["levels"].get("clause", "")),
        zhejiang={str(k): Decimal(str(v)) for k, v in zhejiang["map"].items()},
        zhejiang_clause=str(zhejiang.get("clause", "")), zhejiang_placeholder=str(zhejiang.get("placeholder", "")),
        weak_share=Decimal(str(raw.get("weak_share", "0.5"))),
    )


@dataclass(frozen=True)
class WeakArea:
    dimension: str
    question: Question
    points: int

    @property
    def share(self) -> Decimal:
        return Decimal(self.points) / Decimal(self.question.max_points)


@dataclass(frozen=True)
class DiagnosisScore:
    total: int
    dimensions: dict[str, tuple[int, int]]  # dimension code → (points, maximum)
    level: str | None  # 一级 … 四级; None below the first cut
    zhejiang_level: Decimal | None
    weak: tuple[WeakArea, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "dimensions": {k: list(v) for k, v in self.dimensions.items()},
                "level": self.level, "zhejiang_level": None if self.zhejiang_level is None else str(self.zhejiang_level),
                "weak": [{"question": w.question.code, "points": w.points, "max": w.question.max_points}
                         for w in self.weak]}


def answers_check(questionnaire: Questionnaire, answers: dict[str, int]) -> list[str]:
    """What is wrong with `answers` (question code → option index), in Chinese; empty when complete."""
    problems = []
    for number, (_, question) in enumerate(questionnaire.questions, start=1):
        chosen = answers.get(question.code)
        if chosen is None:
            problems.append(f"第{number}题“{question.text}”未作答")
        elif not 0 <= chosen < len(question.options):
            problems.append(f"第{number}题“{question.text}”的选项无效")
    unknown = set(answers) - {q.code for _, q in questionnaire.questions}
    if unknown:
        problems.append(f"未知的题目：{'、'.join(sorted(unknown))}")
    return problems


def diagnosis_score(questionnaire: Questionnaire, answers: dict[str, int]) -> DiagnosisScore:
    problems = answers_check(questionnaire, answers)
    if problems:
        raise QuestionnaireError("；".join(problems))
    by_dimension: dict[str, tuple[int, int]] = {}
    weak: list[WeakArea] = []
    for dimension in questionnaire.dimensions:
        points = 0
        for question in dimension.questions:
            got = question.options[answers[question.code]].points
            points += got
            if Decimal(got) < questionnaire.weak_share * question.max_points:
                weak.append(WeakArea(dimension.name, question, got))
        by_dimension[dimension.code] = (points, dimension.max_points)
    total = sum(p for p, _ in by_dimension.values())
    level = None
    for name, minimum in questionnaire.cuts:
        if total >= minimum:
            level = name
    weak.sort(key=lambda w: (w.share, -w.question.max_points, w.question.code))
    return DiagnosisScore(total=total, dimensions=by_dimension, level=level,
                          zhejiang_level=questionnaire.zhejiang.get(level) if level else None, weak=tuple(weak))
