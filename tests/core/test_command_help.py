"""Every `lianghua` command explains itself in Chinese: its own options, and the ones Django and argparse
add to every command."""

import re

import pytest
from django.core.management import get_commands, load_command_class

from lianghua.cli import COMMANDS

ENGLISH_LEFT_BY_DJANGO = ("usage:", "options:", "show this help", "Verbosity level", "Python path",
                          "Display a full stack trace", "colorize", "Skip system checks", "version number")


def parser_of(*names: str):
    command = load_command_class(get_commands()[names[0]], names[0])
    parser = command.create_parser("lianghua", names[0])
    for name in names[1:]:  # a sub-command's own parser
        action = next(a for a in parser._actions if getattr(a, "choices", None) and name in a.choices)
        parser = action.choices[name]
    return parser


def help_text(*names: str) -> str:
    return parser_of(*names).format_help()


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_every_command_help_is_chinese(name):
    text = help_text(name)
    assert text.startswith("用法：lianghua " + name)
    assert "选项" in text and "显示本帮助并退出" in text and "输出详细程度" in text
    assert not [phrase for phrase in ENGLISH_LEFT_BY_DJANGO if phrase in text]
    # Every option and argument says what it does in Chinese.
    untold = [action.dest for action in parser_of(name)._actions if not re.search(r"[\u4e00-\u9fff]", action.help or "")]
    assert untold == []


@pytest.mark.parametrize(("command", "sub"), [("targets", "check"), ("subsidy", "calc"), ("subsidy", "estimate")])
def test_sub_command_help_is_chinese(command, sub):
    text = help_text(command, sub)
    assert text.startswith(f"用法：lianghua {command} {sub}") and "显示本帮助并退出" in text
    assert "show this help" not in text
