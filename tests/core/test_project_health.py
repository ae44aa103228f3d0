from io import StringIO

from django.core.management import call_command


def test_models_and_migrations_agree(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_cli_overview_is_chinese_and_lists_the_main_commands(capsys):
    from lianghua.cli import main

    main(["--help"])
    text = capsys.readouterr().out
    for command in ("init", "import", "template", "progress", "targets", "serve"):
        assert f"  {command}" in text
    assert "用法：lianghua <命令>" in text


def test_init_is_idempotent(db):
    out = StringIO()
    call_command("init", stdout=out)
    assert "区划（新增或变更）：0" in out.getvalue()
