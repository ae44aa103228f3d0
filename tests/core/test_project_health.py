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


def test_pages_need_a_login_and_the_api_answers_401_itself(client):
    assert client.get("/").status_code == 302
    assert client.get("/subsidies/").status_code == 302
    assert client.get("/imports/").status_code == 302
    assert client.get("/login/").status_code == 200
    assert client.get("/api/v1/regions/").status_code == 401
