"""The `lianghua` console script: the platform's Django management commands, with a Chinese overview."""

import os
import sys

COMMANDS = [
    ("init", "建库并加载参考数据（区划、行业、认定类型、指标、目标方案）；可重复执行"),
    ("demo", "生成海盐县演示数据（企业、项目、月报、培训）并创建演示账号"),
    ("serve", "启动网站 http://127.0.0.1:8000 和后台任务进程（--demo：先 init + demo 并打印演示账号）"),
    ("worker", "后台任务：执行排队的任务，并在每月填报截止日后生成各区域的通报草稿"),
    ("template", "生成导入模板：lianghua template KIND -o FILE.xlsx"),
    ("import", "导入 Excel/CSV：lianghua import KIND FILE [--dry-run]"),
    ("progress", "计算目标完成情况：lianghua progress --plan CODE --region 区域 --year YYYY"),
    ("targets", "目标任务：lianghua targets check [--plan CODE] 检查分解是否一致"),
    ("report", "进度通报：lianghua report bulletin --plan CODE --region 区域 --month YYYY-MM -o 通报.pdf（或 .xlsx、.html）；report drafts 生成本月各区域草稿"),
    ("subsidy", "奖补测算：lianghua subsidy calc FILE.json / estimate --region 区域 --year YYYY / settings / set 参数 取值"),
    ("createtoken", "为用户生成 API 令牌：lianghua createtoken USERNAME [--name 用途] [--days 天数]"),
    ("backup", "备份全部数据库和存储文件：lianghua backup [-o FILE.tar.gz]；restore FILE --yes 恢复并逐表核对"),
    ("audit", "审计日志：lianghua audit verify 校验哈希链并指出第一处断裂；audit seal 立即封存新记录"),
]


def overview() -> str:
    width = max(len(name) for name, _ in COMMANDS)
    lines = ["用法：lianghua <命令> [参数]", "", "命令："]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS]
    lines += [
        "",
        "每个命令的详细参数：lianghua <命令> --help",
        "数据库由环境变量 DATABASE_URL 指定（默认 var/lianghua.sqlite3）。",
        "Django 自带命令（migrate、createsuperuser 等）同样可用：lianghua help --django",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghua.settings")
    if not args or args in (["-h"], ["--help"], ["help"]):
        print(overview())
        return
    if args == ["help", "--django"]:
        args = ["help"]
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["lianghua", *args])
    except ImproperlyConfigured as exc:  # a setting the operator must fix: the sentence, not a traceback
        sys.exit(f"配置错误：{exc}")


if __name__ == "__main__":
    main()
