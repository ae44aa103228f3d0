"""The base of every `lianghua` command: Django's management command with its help in Chinese.

Django words the options it adds to every command (--verbosity, --settings…) and argparse words its
headings ("usage:", "options:") in English; officers read the help, so both are rewritten here once.
"""

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, DjangoHelpFormatter

# By argparse `dest`: the options argparse and Django add to every command.
COMMON_OPTION_HELP = {
    "help": "显示本帮助并退出",
    "version": "显示版本号并退出",
    "verbosity": "输出详细程度：0 最少，1 正常（默认），2 详细，3 非常详细",
    "settings": "Django 设置模块（默认取环境变量 DJANGO_SETTINGS_MODULE，即 lianghua.settings）",
    "pythonpath": "加入 Python 搜索路径的目录",
    "traceback": "出错时显示完整的调用栈",
    "no_color": "输出不加颜色",
    "force_color": "强制输出颜色",
    "skip_checks": "跳过 Django 系统检查",
}


class ChineseHelpFormatter(DjangoHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def parser_in_chinese(parser: argparse.ArgumentParser) -> None:
    """Chinese headings and common-option help for `parser` and its sub-commands' parsers."""
    parser.formatter_class = ChineseHelpFormatter
    for group in parser._action_groups:
        group.title = {"options": "选项", "optional arguments": "选项",
                       "positional arguments": "参数"}.get(group.title or "", group.title)
    for action in parser._actions:
        if action.dest in COMMON_OPTION_HELP and action.option_strings:
            action.help = COMMON_OPTION_HELP[action.dest]
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                parser_in_chinese(sub)


class LianghuaCommand(BaseCommand):
    """A management command whose --help is Chinese throughout (see the module docstring)."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser_in_chinese(parser)
        return parser
